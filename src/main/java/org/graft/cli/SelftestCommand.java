package org.graft.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.graft.engine.DeviceThreads;
import org.graft.engine.Engine;
import org.graft.engine.Engines;
import org.graft.ops.Cases;
import org.graft.selftest.Effort;
import org.graft.selftest.MultiDeviceSelfTest;
import org.graft.selftest.ReportTable;
import org.graft.selftest.SelfTest;
import org.graft.selftest.SelfTestCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code selftest}: every kernel and layer against its plain-Java reference on the chosen device(s). */
@Command(name = "selftest", mixinStandardHelpOptions = true, description = {
        "Check every kernel and layer against its plain-Java reference, plus finite-difference gradient checks,",
        "on randomized and awkward shapes (about a minute on a 2-core CPU). Prints one row per kernel/layer:",
        "shapes tried, max abs/rel error, tolerance, share of the tolerance used, PASS/FAIL, time.",
        "Exit code 0 only if everything passed on every device. Run it first on a new device or driver."})
final class SelftestCommand implements Callable<Integer> {
    @Mixin
    DeviceOptions device;

    @Option(names = "--devices", split = ",", paramLabel = "N,M", description = "Run on several devices at once (indices from 'devices'), one thread each.")
    List<Integer> devices;

    @Option(names = "--quick", description = "A few shapes per kernel instead of all (a CI smoke test).")
    boolean quick;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random shapes and data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--only", split = ",", paramLabel = "NAME", description = "Only the rows with a word in their name that starts with one of these (case-insensitive), e.g. --only conv,gemm (relu picks ReLU, not PReLU).")
    List<String> only;

    @Override
    public Integer call() {
        Effort effort = quick ? Effort.QUICK : Effort.FULL;
        List<SelfTestCase> cases = selected();
        if (devices != null && !devices.isEmpty()) {
            return multi(cases, effort);
        }
        // On a large-stack thread: CPU drivers may run kernels on the waiting thread (see DeviceThreads).
        return DeviceThreads.call("selftest", () -> single(cases, effort));
    }

    private int single(List<SelfTestCase> cases, Effort effort) {
        try (Engine e = device.open()) {
            ReportTable.header(System.out, e.device().describe(), e.cl().backendName(), effort, seed);
            SelfTest.Report r = SelfTest.run(e, cases, effort, seed, row -> {
                ReportTable.row(System.out, row);
                System.out.flush();
            });
            ReportTable.footer(System.out, r);
            return r.passed() ? 0 : 1;
        }
    }

    private int multi(List<SelfTestCase> cases, Effort effort) {
        if (device.device >= 0) {
            throw new IllegalArgumentException("give either --device or --devices, not both");
        }
        List<Engine> engines = Engines.open(device.backend, devices, !device.noCache);
        try {
            System.out.printf("Running selftest on %d devices at once...%n", engines.size());
            List<SelfTest.Report> reports = MultiDeviceSelfTest.run(engines, cases, effort, seed);
            boolean all = true;
            for (SelfTest.Report r : reports) {
                System.out.println();
                ReportTable.print(System.out, r);
                all &= r.passed();
            }
            System.out.println();
            for (SelfTest.Report r : reports) {
                System.out.printf(Locale.ROOT, "device %d (%s): %s%n", r.device().index(), r.device().name(), r.passed() ? "PASS" : "FAIL");
            }
            return all ? 0 : 1;
        } finally {
            Engines.closeAll(engines);
        }
    }

    /** Whether a word of the case's name starts with {@code w}: "relu" picks "ReLU gradient" but not "PReLU". */
    private static boolean named(SelfTestCase c, String w) {
        String prefix = w.toLowerCase(Locale.ROOT);
        return Arrays.stream(c.name().toLowerCase(Locale.ROOT).split("[^a-z0-9]+")).anyMatch(word -> word.startsWith(prefix));
    }

    private List<SelfTestCase> selected() {
        List<SelfTestCase> all = Cases.all();
        if (only == null || only.isEmpty()) {
            return all;
        }
        List<SelfTestCase> picked = all.stream().filter(c -> only.stream().anyMatch(w -> named(c, w))).toList();
        if (picked.isEmpty()) {
            throw new IllegalArgumentException("--only " + String.join(",", only) + " matches no check; the checks are: "
                    + String.join(", ", all.stream().map(SelfTestCase::name).toList()));
        }
        return picked;
    }
}
