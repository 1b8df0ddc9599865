package org.graft.cli;

import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.graft.bench.BenchCase;
import org.graft.bench.GemmBench;
import org.graft.bench.LayerBench;
import org.graft.bench.Timer;
import org.graft.engine.Engine;
import org.graft.kernels.Gemm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Times the compute kernels on one device: square GEMMs, then CaffeNet's convolution and inner-product
 * layers (forward and backward separately) through the real layer classes. Each case runs once to warm
 * up, then {@code --repeat} times with finish() around each run; the median is reported.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark GEMM and CaffeNet's conv/fc layers on a device (median time and GFLOP/s).")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", paramLabel = "N", defaultValue = "512,1024,2048",
            description = "Square GEMM sizes n of the gemm group, comma-separated (default: ${DEFAULT-VALUE}).")
    int[] sizes;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every case (median ms, GFLOP/s) as JSON.")
    Path json;

    /** Every case reported, for --json. */
    private final List<Map<String, Object>> results = new ArrayList<>();

    @Mixin
    DeviceOptions device;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size of the layer benchmarks (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--repeat", defaultValue = "5", description = "Timed runs per case after one warm-up (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--only", description = "Run only one group: gemm, conv or fc (default: all).")
    String only;

    @Option(names = "--baseline", description = "Also time every case on the original portable GEMM kernel, for before/after comparisons (slow).")
    boolean baseline;

    @Override
    public Integer call() throws Exception {
        if (only != null && !List.of("gemm", "conv", "fc").contains(only)) {
            throw new IllegalArgumentException("--only must be gemm, conv or fc, got '" + only + "'");
        }
        if (batch < 1 || repeat < 1) {
            throw new IllegalArgumentException("--batch and --repeat must be >= 1, got " + batch + " and " + repeat);
        }
        for (int n : sizes) {
            if (n < 1) {
                throw new IllegalArgumentException("--sizes must be GEMM sizes >= 1, got " + n);
            }
        }
        try (Engine e = device.open()) {
            System.out.println("device: " + e.device().describe() + " [backend " + e.cl().backendName() + "]");
            System.out.println("date:   " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
            System.out.printf("median of %d runs after one warm-up; layers at batch %d%n%n", repeat, batch);
            System.out.println("cores: CPU time of this process per wall second during the timed runs (on a CPU device:");
            System.out.println("       how many cores the runs really got; less than the device's count means other load)");
            System.out.println();
            System.out.printf("%-34s %-36s %12s %10s %6s%n", "case", "shape", "median ms", "GFLOP/s", "cores");
            if (wants("gemm")) {
                try (GemmBench g = new GemmBench(e)) {
                    for (int n : sizes) {
                        report(e, g.square(n, null), "", n);
                        if (baseline) {
                            report(e, g.square(n, Gemm.Path.SIMPLE), "", n);
                        }
                    }
                }
            }
            if (wants("conv") || wants("fc")) {
                try (LayerBench layers = new LayerBench(e, batch)) {
                    List<BenchCase> cases = new ArrayList<>();
                    if (wants("conv")) {
                        cases.addAll(layers.caffeNetConvolutions());
                    }
                    if (wants("fc")) {
                        cases.addAll(layers.caffeNetInnerProducts());
                    }
                    for (BenchCase c : cases) {
                        report(e, c, "", null);
                        if (baseline) {
                            Gemm.overridePath(Gemm.Path.SIMPLE);
                            try {
                                report(e, c, " (simple kernel)", null);
                            } finally {
                                Gemm.overridePath(null);
                            }
                        }
                    }
                }
            }
            if (json != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("device", e.device().describe());
                m.put("backend", e.cl().backendName());
                m.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
                m.put("repeat", repeat);
                m.put("batch", batch);
                m.put("cases", results);
                JsonReports.write(json, m);
                System.out.println();
                System.out.println("Wrote " + json.toAbsolutePath());
            }
        }
        return 0;
    }

    private boolean wants(String group) {
        return only == null || only.equals(group);
    }

    /** @param gemmN the size of a square GEMM case (recorded in the JSON), null for layer cases */
    private void report(Engine e, BenchCase c, String suffix, Integer gemmN) {
        Timer.Timing t = Timer.measure(e, c, repeat);
        double s = t.medianSeconds();
        System.out.printf(Locale.ROOT, "%-34s %-36s %12.2f %10.1f %6.2f%n", c.name() + suffix, c.shape(), s * 1e3, c.flops() / s / 1e9, t.cpuPerWall());
        System.out.flush();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", c.name() + suffix);
        r.put("shape", c.shape());
        if (gemmN != null) {
            r.put("n", gemmN);
        }
        r.put("median_ms", s * 1e3);
        r.put("flops", c.flops());
        r.put("gflops", JsonReports.finite(c.flops() / s / 1e9));
        r.put("cores", JsonReports.finite(t.cpuPerWall()));
        results.add(r);
    }
}
