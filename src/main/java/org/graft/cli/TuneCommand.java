package org.graft.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.graft.engine.Engine;
import org.graft.kernels.GemmTuner;
import org.graft.layers.Pass;
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

/**
 * {@code tune NET}: meets every GEMM shape of one training iteration (forward and backward, random
 * inputs as {@code time} uses) with tuning up front, so each shape is timed now (or taken from the tuning
 * cache), and prints the winners. Training then starts tuned from its first iteration.
 */
@Command(name = "tune", mixinStandardHelpOptions = true, description = {
        "Tune the GEMM kernels for every matrix shape a network's training meets on this device, and show the winners.",
        "Winners go to the tuning cache (~/.cache/graft/tuning, or $GRAFT_CACHE/tuning), so 'train' starts tuned."})
final class TuneCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NET", description = "A net.json (or Caffe prototxt).")
    Path model;

    @Option(names = "--batch", defaultValue = "0", description = "Batch size (default: the model's); GEMM shapes depend on it.")
    int batch;

    @Option(names = "--force", description = "Re-time shapes the tuning cache already has (their new winners replace the cached ones).")
    boolean force;

    @Option(names = "--input-shape", paramLabel = "C,H,W", description = "Replace the data layers by random inputs of this image shape "
            + "(for nets whose data files are absent), as 'time' does.")
    String inputShape;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() {
        if (batch < 0) {
            throw new IllegalArgumentException("--batch must be >= 1 (or 0 for the model's), got " + batch);
        }
        if (!device.tuningWanted()) {
            throw new IllegalArgumentException("'tune' times GEMM kernels; it cannot run with --no-tune or GRAFT_TUNE=off");
        }
        NetConfig cfg = Models.load(model);
        if (inputShape != null) {
            cfg = SyntheticInputs.replaceDataLayers(cfg, SyntheticInputs.parseImageShape(inputShape));
        }
        try (Engine engine = device.open();
             PhaseNet pn = NetBuilder.build(engine, cfg, Phase.TRAIN, 1, Trainer.caffeMeanLoader(), batch, true)) {
            GemmTuner tuner = engine.gemmTuner();
            tuner.force(force);
            System.out.printf("Tuning GEMM for '%s' (TRAIN phase, batch %d) on %s%s%n", cfg.name(),
                    pn.net().blob(pn.net().inputNames().get(0)).shape(0), engine.device().describe(), force ? ", re-timing cached shapes" : "");
            engine.progress(System.out::println);
            NetTimer.randomInputs(pn.net(), TimeCommand.numClasses(cfg), 1);
            pn.net().fill(1);
            Pass pass = Pass.train(0, 1);
            pn.net().forward(pass);
            pn.net().backward(pass);
            engine.finish();
            engine.progress(null);
            System.out.print(table(tuner.results()));
            System.out.println(Trainer.preparation(engine));
            if (device.noCache) {
                System.out.println("--no-cache: the winners were not stored; the next start times them again");
            }
            return 0;
        }
    }

    /** One row per shape: winner, its time and rate, the runner-up and how much slower it was, and where the result came from. */
    static String table(List<GemmTuner.Result> results) {
        if (results.isEmpty()) {
            return "No GEMM in this network is large enough to tune (small products always take the simple kernel).\n";
        }
        int w = Math.max(10, results.stream().mapToInt(r -> r.shape().length()).max().orElse(0));
        int v = Math.max(6, results.stream().mapToInt(r -> r.winner().length()).max().orElse(0));
        StringBuilder sb = new StringBuilder();
        String head = "%-" + w + "s  %-" + v + "s  %9s  %8s  %-" + v + "s  %6s  %s%n";
        sb.append(String.format(Locale.ROOT, head, "GEMM shape", "winner", "ms", "GFLOP/s", "runner-up", "ratio", "from"));
        for (GemmTuner.Result r : results) {
            double ms = r.winnerMs();
            String up = r.runnerUp();
            double ratio = up == null ? Double.NaN : r.ms().get(up) / ms;
            sb.append(String.format(Locale.ROOT, head, r.shape(), r.winner(), number(ms, "%.3f"), number(r.flops() / (ms * 1e6), "%.1f"),
                    up == null ? "-" : up, number(ratio, "%.2f"),
                    r.fromCache() ? "cache" : r.clean() ? "timed now" : "timed now, not cached (disturbed by other load)"));
        }
        return sb.toString();
    }

    private static String number(double x, String format) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, format, x) : "-";
    }
}
