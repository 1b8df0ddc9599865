package org.graft.cli;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    private static final int[] GEMM_SIZES = {512, 1024, 2048};

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
                    for (int n : GEMM_SIZES) {
                        report(e, g.square(n, null), "");
                        if (baseline) {
                            report(e, g.square(n, Gemm.Path.SIMPLE), "");
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
                        report(e, c, "");
                        if (baseline) {
                            Gemm.overridePath(Gemm.Path.SIMPLE);
                            try {
                                report(e, c, " (simple kernel)");
                            } finally {
                                Gemm.overridePath(null);
                            }
                        }
                    }
                }
            }
        }
        return 0;
    }

    private boolean wants(String group) {
        return only == null || only.equals(group);
    }

    private void report(Engine e, BenchCase c, String suffix) {
        Timer.Timing t = Timer.measure(e, c, repeat);
        double s = t.medianSeconds();
        System.out.printf(Locale.ROOT, "%-34s %-36s %12.2f %10.1f %6.2f%n", c.name() + suffix, c.shape(), s * 1e3, c.flops() / s / 1e9, t.cpuPerWall());
        System.out.flush();
    }
}
