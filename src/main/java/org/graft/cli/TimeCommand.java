package org.graft.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.graft.engine.Engine;
import org.graft.layers.Phase;
import org.graft.net.NetBuilder;
import org.graft.net.NetBuilder.PhaseNet;
import org.graft.net.NetDescription;
import org.graft.net.NetTimer;
import org.graft.net.config.NetConfig;
import org.graft.net.config.LayerType;
import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.solver.StepTimer;
import org.graft.solver.TestEvaluator;
import org.graft.solver.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code time MODEL}: per-layer forward/backward times, GFLOP/s, images/s and peak memory (Caffe's time);
 * in the TRAIN phase also whole training iterations without per-layer syncs (how other frameworks are
 * timed), and with {@code --json} a machine-readable report including the network as built.
 */
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

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures and the network as built (layers, shapes, settings) as JSON.")
    Path json;

    @Option(names = "--step-only", description = "TRAIN phase: skip the layer-by-layer table, time only whole training steps.")
    boolean stepOnly;

    @Option(names = "--input-shape", paramLabel = "C,H,W", description = "Replace the data layers by random inputs of this image shape "
            + "(for nets whose data files are absent, e.g. 3,227,227 for CaffeNet).")
    String inputShape;

    @Option(names = "--with-test-net", description = "TRAIN phase: also build the TEST phase's net beside it, as 'train' does, so that the"
            + " peak device memory is training's (the TEST net is not timed).")
    boolean withTestNet;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() {
        boolean train = switch (phase.toLowerCase(Locale.ROOT)) {
            case "train" -> true;
            case "test" -> false;
            default -> throw new IllegalArgumentException("--phase must be train or test, not '" + phase + "'");
        };
        if (iterations < 1) {
            throw new IllegalArgumentException("--iterations must be >= 1, got " + iterations);
        }
        if (batch < 0) {
            throw new IllegalArgumentException("--batch must be >= 1 (or 0 for the model's), got " + batch);
        }
        if (withTestNet && !train) {
            throw new IllegalArgumentException("--with-test-net builds the TEST net beside the TRAIN one; it needs --phase train");
        }
        if (stepOnly && !train) {
            throw new IllegalArgumentException("--step-only times training steps; it needs --phase train");
        }
        NetConfig cfg = Models.load(model);
        if (inputShape != null) {
            cfg = SyntheticInputs.replaceDataLayers(cfg, SyntheticInputs.parseImageShape(inputShape));
        }
        try (Engine engine = device.open();
             PhaseNet pn = NetBuilder.build(engine, cfg, train ? Phase.TRAIN : Phase.TEST, 1, Trainer.caffeMeanLoader(), batch, true);
             PhaseNet test = withTestNet ? Trainer.buildTestNet(engine, cfg, pn, 1, batch, true) : null) {
            NetTimer.randomInputs(pn.net(), numClasses(cfg), 1);
            pn.net().fill(1);
            if (test != null) {
                // One test pass, as training runs them: the TEST net's activations (its weights are the TRAIN net's).
                NetTimer.randomInputs(test.net(), numClasses(cfg), 1);
                new TestEvaluator(test).run(1);
            }
            engine.cl().resetPeak();
            NetTimer.Report r = null;
            if (!stepOnly) {
                System.out.printf("Timing '%s' (%s phase) on %s, %d iterations after one warm-up%n", cfg.name(), train ? "TRAIN" : "TEST",
                        engine.device().describe(), iterations);
                r = NetTimer.time(pn.net(), iterations, train);
                System.out.print(NetTimer.format(r));
            } else {
                System.out.printf("Timing '%s' (TRAIN phase, whole steps only) on %s, %d iterations after one warm-up%n", cfg.name(),
                        engine.device().describe(), iterations);
            }
            StepTimer.Result step = null;
            if (train) {
                step = StepTimer.time(pn.net(), iterations);
                System.out.printf(Locale.ROOT, "Training step (forward + backward + SGD update, no per-layer sync): %.2f ms, %.1f images/s (batch %d%s)%n",
                        step.stepMs(), step.imagesPerSecond(), step.batch(),
                        Double.isNaN(step.gflops()) ? "" : String.format(Locale.ROOT, ", %.2f GFLOP/s", step.gflops()));
            }
            System.out.println(Trainer.preparation(engine));
            if (json != null) {
                JsonReports.write(json, report(cfg, engine, pn, train, r, step));
                System.out.println("Wrote " + json.toAbsolutePath());
            }
            return 0;
        }
    }

    private Map<String, Object> report(NetConfig cfg, Engine engine, PhaseNet pn, boolean train, NetTimer.Report r, StepTimer.Result step) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", cfg.name());
        m.put("model_file", model.toAbsolutePath().toString());
        m.put("phase", train ? "TRAIN" : "TEST");
        m.put("device", engine.device().describe());
        m.put("backend", engine.cl().backendName());
        m.put("batch", pn.net().blob(pn.net().inputNames().get(0)).shape(0));
        m.put("iterations", iterations);
        m.put("input_shape", inputShape == null ? null : SyntheticInputs.parseImageShape(inputShape));
        if (r != null) {
            m.put("layers", r.layers().stream().map(TimeCommand::layerRow).toList());
            long ff = r.layers().stream().mapToLong(NetTimer.LayerTime::forwardFlops).sum();
            long bf = r.layers().stream().filter(NetTimer.LayerTime::backward).mapToLong(NetTimer.LayerTime::backwardFlops).sum();
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("forward_ms", r.forwardMs());
            t.put("backward_ms", r.backwardMs());
            t.put("total_ms", r.totalMs());
            t.put("images_per_second", JsonReports.finite(r.imagesPerSecond()));
            t.put("forward_flops", ff);
            t.put("backward_flops", bf);
            m.put("totals", t);
        } else {
            m.put("layers", List.of());
            m.put("totals", null);
        }
        if (step != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("what", "forward + backward + SGD momentum update, one sync per iteration (the loss read)");
            s.put("iterations", step.iterations());
            s.put("ms", step.stepMs());
            s.put("images_per_second", step.imagesPerSecond());
            s.put("flops", step.flopsPerStep());
            s.put("gflops", JsonReports.finite(step.gflops()));
            s.put("learning_rate", StepTimer.LEARNING_RATE);
            s.put("momentum", StepTimer.MOMENTUM);
            s.put("weight_decay", StepTimer.WEIGHT_DECAY);
            s.put("last_loss", JsonReports.finite(step.lastLoss()));
            m.put("training_step", s);
        } else {
            m.put("training_step", null);
        }
        m.put("peak_device_bytes", Math.max(r == null ? 0 : r.peakBytes(), engine.cl().peakBytes()));
        m.put("network", NetDescription.of(pn.net()));
        return m;
    }

    private static Map<String, Object> layerRow(NetTimer.LayerTime t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("type", t.type());
        m.put("forward_ms", t.forwardMs());
        m.put("backward_ms", t.backward() ? t.backwardMs() : null);
        m.put("forward_flops", t.forwardFlops());
        m.put("backward_flops", t.backward() ? t.backwardFlops() : 0L);
        m.put("fused_into", t.fusedInto());
        return m;
    }

    /** Labels must be valid class ids: the output count of the last InnerProduct layer. */
    static int numClasses(NetConfig cfg) {
        int n = 1;
        for (var lc : cfg.layers()) {
            if (lc.type() == LayerType.INNER_PRODUCT) {
                n = lc.settings(InnerProductLayer.Spec.class).numOutput();
            }
        }
        return n;
    }
}
