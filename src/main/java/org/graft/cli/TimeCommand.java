package org.graft.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.graft.engine.Engine;
import org.graft.layers.Phase;
import org.graft.net.NetBuilder;
import org.graft.net.NetBuilder.PhaseNet;
import org.graft.net.NetTimer;
import org.graft.net.config.NetConfig;
import org.graft.solver.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code time MODEL}: per-layer forward/backward times, GFLOP/s, images/s and peak memory (Caffe's time). */
@Command(name = "time", mixinStandardHelpOptions = true, description = "Time a network layer by layer (like Caffe's 'time').")
final class TimeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A net.json (or Caffe prototxt).")
    Path model;

    @Option(names = "--batch", defaultValue = "0", description = "Batch size (default: the model's).")
    int batch;

    @Option(names = "--iterations", defaultValue = "10", description = "Timed iterations after one warm-up (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--phase", defaultValue = "train", description = "train (forward + backward) or test (forward only).")
    String phase;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() {
        boolean train = switch (phase.toLowerCase(Locale.ROOT)) {
            case "train" -> true;
            case "test" -> false;
            default -> throw new IllegalArgumentException("--phase must be train or test, not '" + phase + "'");
        };
        NetConfig cfg = Models.load(model);
        try (Engine engine = device.open();
             PhaseNet pn = NetBuilder.build(engine, cfg, train ? Phase.TRAIN : Phase.TEST, 1, Trainer.caffeMeanLoader(), batch, true)) {
            NetTimer.randomInputs(pn.net(), numClasses(cfg), 1);
            NetBuilder.fill(pn.net(), pn.layers(), 1);
            System.out.printf("Timing '%s' (%s phase) on %s, %d iterations after one warm-up%n", cfg.name(), train ? "TRAIN" : "TEST",
                    engine.device().describe(), iterations);
            NetTimer.Report r = NetTimer.time(pn.net(), iterations, train);
            System.out.print(NetTimer.format(r));
            return 0;
        }
    }

    /** Labels must be valid class ids: the output count of the last InnerProduct layer. */
    private static int numClasses(NetConfig cfg) {
        int n = 1;
        for (var lc : cfg.layers()) {
            if (lc.innerProductParam() != null) {
                n = lc.innerProductParam().numOutput();
            }
        }
        return n;
    }
}
