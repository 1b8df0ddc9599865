package org.graft.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.graft.caffe.WeightFiles;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Phase;
import org.graft.net.Net;
import org.graft.net.NetBuilder.PhaseNet;
import org.graft.net.NetBuilder;
import org.graft.net.config.NetConfig;
import org.graft.solver.TestEvaluator;
import org.graft.solver.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code test NET --weights W [--iterations N]}: Caffe's test for Graft. */
@Command(name = "test", mixinStandardHelpOptions = true, description = {
        "Evaluate weights on the TEST phase's data: top-1, top-5 and loss.",
        "The values are averaged over the batches.",
        "Top-1, top-5 and the loss are added to the TEST net if it lacks them."})
final class TestCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NET", description = "A net.json, or a Caffe net or solver .prototxt.")
    Path net;

    @Option(names = "--weights", required = true, paramLabel = "W.caffemodel", description = "The weights to test (any caffemodel).")
    Path weights;

    @Option(names = "--iterations", paramLabel = "N", description = "Batches to test (default: the solver's test_iter, else one pass over the data).")
    Integer iterations;

    @Option(names = "--allow-missing-weights", description = "Test even if --weights lacks some learned layers (they keep their fillers, seed 0).")
    boolean allowMissingWeights;

    @Option(names = "--allow-nonfinite", description = "Test weights even if they hold NaN or infinite values (warned by layer and blob).")
    boolean allowNonFinite;

    @Option(names = "--solver", paramLabel = "S.prototxt", description = "Caffe solver for a Caffe .prototxt NET (for test_iter).")
    Path solver;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() {
        NetConfig cfg = TestOutputs.augment(Models.load(net, solver));
        try (Engine engine = device.open();
             PhaseNet test = NetBuilder.build(engine, cfg, Phase.TEST, 0, Trainer.caffeMeanLoader(), 0)) {
            test.net().fill(0);
            List<String> copied = WeightFiles.load(test.net(), weights, false, allowNonFinite);
            List<String> missing = new ArrayList<>();
            for (Layer l : test.net().layers()) {
                if (!l.params().isEmpty() && !copied.contains(l.name())) {
                    missing.add(l.name());
                }
            }
            if (!missing.isEmpty() && !allowMissingWeights) {
                throw new IllegalArgumentException(weights + " has no weights for layer(s) " + String.join(", ", missing)
                        + "; testing random fillers would give a meaningless score (pass --allow-missing-weights if that is meant)");
            }
            if (!missing.isEmpty()) {
                System.err.println("warning: " + weights + " has no weights for " + String.join(", ", missing)
                        + "; they keep their fillers (seed 0)");
            }
            int batch = test.batchSize();
            int n = iterations != null ? iterations
                    : cfg.hasSolver() && cfg.solver().testIter() > 0 ? cfg.solver().testIter()
                    : test.feeds().isEmpty() ? 1 : (test.feeds().get(0).dataset().size() + batch - 1) / batch;
            if (n < 1) {
                throw new IllegalArgumentException("--iterations must be >= 1, found " + n);
            }
            System.out.printf(Locale.ROOT, "Testing '%s' with %s on %s: %d batch(es) of %d%n", cfg.name(), weights,
                    engine.device().describe(), n, batch);
            TestEvaluator evaluator = new TestEvaluator(test);
            Map<Net.Output, Double> r = evaluator.run(n);
            for (Map.Entry<Net.Output, Double> e : r.entrySet()) {
                Net.Output o = e.getKey();
                System.out.printf(Locale.ROOT, "  %s = %.4f%s%n", o.blob(), e.getValue(),
                        o.topK() > 0 ? " (top-" + o.topK() + ")" : " (loss)");
            }
            System.out.printf(Locale.ROOT, "top-1 = %s, top-5 = %s, loss = %.4f%n", pct(TestEvaluator.accuracy(r, 1)),
                    pct(TestEvaluator.accuracy(r, 5)), TestEvaluator.loss(r));
        }
        return 0;
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }
}
