package org.graft.solver;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.WeightFiles;
import org.graft.data.MeanImage;
import org.graft.engine.Debug;
import org.graft.engine.Engine;
import org.graft.io.DisplayPaths;
import org.graft.kernels.GemmTuner;
import org.graft.layers.LabelOutOfRangeException;
import org.graft.layers.Pass;
import org.graft.layers.Phase;
import org.graft.net.DataFeed;
import org.graft.net.Net;
import org.graft.net.NetBuilder.PhaseNet;
import org.graft.net.NetBuilder;
import org.graft.net.config.NetConfig;
import org.graft.net.config.SolverConfig;

/**
 * Caffe's training loop for one net.json: fillers (seeded), optional initial weights by layer name,
 * optional resume from a solver state, then SGD with periodic display, test and snapshot. Prints
 * progress to {@code out}; writes the CSV log and snapshots next to snapshot_prefix.
 */
public final class Trainer {
    /** What the caller may override (command-line options). Null / negative means "as in the file". */
    public record Options(Path weights, Path resume, Integer maxIter, Long seed, boolean progressBar, boolean allowNonFinite) {
        public Options(Path weights, Path resume, Integer maxIter, Long seed, boolean progressBar) {
            this(weights, resume, maxIter, seed, progressBar, false);
        }

        public static Options defaults() {
            return new Options(null, null, null, null, false);
        }
    }

    /** One test pass's averages. */
    public record TestPoint(int iter, double loss, double top1, double top5) {
    }

    /** The outcome of a run. */
    public record Result(int iterations, double finalTop1, double finalTop5, double finalTestLoss, double lastTrainLoss,
                         double wallSeconds, double imagesPerSecond, List<TestPoint> tests, Path lastModel, long seed) {
    }

    private final Engine engine;
    private final NetConfig config;
    private final Options options;
    private final PrintStream out;

    public Trainer(Engine engine, NetConfig config, Options options, PrintStream out) {
        this.engine = engine;
        this.config = config;
        this.options = options;
        this.out = out;
    }

    public static DataFeed.MeanImageLoader caffeMeanLoader() {
        return file -> {
            CaffeWeights.WeightBlob b = CaffeWeights.decode(CaffeFiles.readBlobProto(file), "mean file " + file);
            int[] s = b.shape();
            int n = s.length;
            if (n < 3) {
                throw new IllegalArgumentException("mean file " + file + " has shape of " + n + " dims; expected C×H×W or 1×C×H×W");
            }
            return new MeanImage(s[n - 3], s[n - 2], s[n - 1], b.data());
        };
    }

    public Result run() {
        SolverConfig solverCfg = config.requireSolver();
        if (options.maxIter() != null) {
            if (options.maxIter() < 1) {
                throw new IllegalArgumentException("--max-iter must lie in [1, " + Integer.MAX_VALUE + "], got " + options.maxIter());
            }
            solverCfg = solverCfg.toBuilder().maxIter(options.maxIter()).build();
        }
        Snapshots.State resumeState = options.resume() != null ? Snapshots.readState(options.resume()) : null;
        if (resumeState != null && resumeState.proto().getIter() >= solverCfg.maxIter()) {
            // Resuming there would train nothing and write a snapshot over the state it started from.
            throw new IllegalArgumentException("--resume " + options.resume() + " is at iteration " + resumeState.proto().getIter()
                    + ", not below max_iter " + solverCfg.maxIter() + ": there is nothing left to train (raise max_iter or --max-iter"
                    + " above " + resumeState.proto().getIter() + ")");
        }
        long seed = options.seed() != null ? options.seed()
                : solverCfg.hasRandomSeed() ? solverCfg.randomSeed()
                : resumeState != null && resumeState.proto().hasGraftRandomSeed() ? resumeState.proto().getGraftRandomSeed()
                : System.nanoTime() & 0x7fffffffL;
        if (resumeState != null) {
            seed = resumeState.seedOr(seed);
        }
        out.printf(Locale.ROOT, "Graft: training '%s' on %s (backend %s), seed %d%n", config.name(),
                engine.device().describe(), engine.cl().backendName(), seed);

        long started = System.nanoTime();
        engine.progress(out::println);
        if (engine.gemmTuner() != null) {
            // Training starts on the cost model's GEMM choices (one kernel compiled per shape) and tunes between iterations.
            engine.gemmTuner().deferUntuned();
        }
        try (PhaseNet train = NetBuilder.build(engine, config, Phase.TRAIN, seed, caffeMeanLoader(), 0);
             PhaseNet test = solverCfg.testIter() > 0 && !config.layersFor(Phase.TEST).isEmpty()
                     ? buildTestNet(engine, config, train, seed, 0, false) : null;
             SgdSolver solver = new SgdSolver(engine, solverCfg, train.net(), seed)) {
            describeData(train, test);
            train.net().fill(seed);
            List<Path> inits = new ArrayList<>();
            if (config.init() != null && config.init().weights() != null) {
                inits.add(config.init().weights());
            }
            if (options.weights() != null) {
                inits.add(options.weights());
            }
            for (Path w : inits) {
                List<String> copied = WeightFiles.load(train.net(), w, false, options.allowNonFinite());
                out.printf("Initialised %d layer(s) from %s: %s%n", copied.size(), DisplayPaths.of(w), String.join(", ", copied));
            }
            if (resumeState != null) {
                Snapshots.restore(resumeState, solver, options.allowNonFinite());
                out.printf("Resumed from %s at iteration %d%n", DisplayPaths.of(resumeState.file()), solver.iter());
            }
            Path prefix = solverCfg.snapshotPrefix();
            Path logFile = prefix.resolveSibling(prefix.getFileName() + "_log.csv");
            List<Path> stale = Snapshots.removeStaleTemporaries(prefix);
            if (!stale.isEmpty()) {
                out.printf("Removed %d temporary file(s) left by an interrupted snapshot: %s%n", stale.size(),
                        String.join(", ", stale.stream().map(p -> p.getFileName().toString()).toList()));
            }
            prefetchPrograms(train, test, solver.iter(), seed);
            try (TrainLog log = new TrainLog(logFile, resumeState != null ? solver.iter() : -1)) {
                return loop(solverCfg, train, test, solver, log, seed, started);
            }
        } finally {
            engine.progress(null);
        }
    }

    /**
     * The TEST phase's net as training builds it, beside the TRAIN net {@code train}: its layers share the
     * TRAIN layers' parameter blobs by name (Caffe's ShareTrainedLayersWith), so it always tests the current
     * weights and holds no copy of them.
     */
    public static PhaseNet buildTestNet(Engine engine, NetConfig config, PhaseNet train, long seed, int batchOverride,
                                        boolean shapesOnly) {
        return NetBuilder.build(engine, config, Phase.TEST, seed, caffeMeanLoader(), batchOverride, shapesOnly, train.net());
    }

    private void describeData(PhaseNet train, PhaseNet test) {
        for (DataFeed f : train.feeds()) {
            out.printf("TRAIN data '%s': %d examples, %d classes, batch %d, %s%n", f.config().name(), f.dataset().size(),
                    f.dataset().numClasses(), f.batchSize(), java.util.Arrays.toString(f.dataShape()));
        }
        if (test != null) {
            for (DataFeed f : test.feeds()) {
                out.printf("TEST  data '%s': %d examples, batch %d%n", f.config().name(), f.dataset().size(), f.batchSize());
            }
        }
    }

    /**
     * What getting the first iteration ready cost: kernel programs compiled or loaded from the binary
     * cache, and GEMM shapes tuned or taken from the tuning cache.
     */
    public static String preparation(Engine engine) {
        String s = "Prepared: " + engine.kernels().prepareSummary();
        GemmTuner t = engine.gemmTuner();
        if (t != null) {
            s += String.format(Locale.ROOT, "; GEMM tuning: %d shape(s) from the tuning cache, %d timed now (%.2f s)",
                    t.cachedShapes(), t.tunedShapes(), t.tuningSeconds());
            if (t.pendingShapes() > 0) {
                s += String.format(Locale.ROOT, ", %d on the cost model's choice until tuned", t.pendingShapes());
            }
        }
        return s;
    }

    /**
     * Starts compiling, concurrently on the compile threads, every kernel program the first iteration and
     * the first test will need: one forward and backward pass of the TRAIN net and one forward of the TEST
     * net under {@link Engine#plan} (launches skipped, no host state touched), so the first iteration waits
     * for builds running side by side instead of compiling one program after another. With the programs in
     * the disk cache this only loads them a little earlier.
     */
    private void prefetchPrograms(PhaseNet train, PhaseNet test, int iter, long seed) {
        try {
            engine.plan(() -> {
                Pass pass = Pass.train(iter, seed);
                train.net().forward(pass);
                train.net().backward(pass);
                if (test != null) {
                    test.net().forward(Pass.test());
                }
            });
        } catch (RuntimeException e) {
            // Only a head start: whatever was not prefetched compiles when the real pass asks for it.
            Debug.log(() -> "prefetching kernel programs stopped: " + e);
        }
    }

    private void announceDeferredTuning(GemmTuner t) {
        if (t != null && t.pendingShapes() > 0) {
            out.printf(Locale.ROOT, "GEMM: %d shape(s) use the cost model's choice; tuning them between iterations (up to %d candidate runs,"
                    + " at most %.0f %% of training time)%n", t.pendingShapes(), t.pendingSteps(), GemmTuner.DEFERRED_SHARE * 100);
        }
    }

    private Result loop(SolverConfig cfg, PhaseNet train, PhaseNet test, SgdSolver solver, TrainLog log, long seed, long started) {
        TestEvaluator evaluator = test != null ? new TestEvaluator(test) : null;
        List<TestPoint> tests = new ArrayList<>();
        int maxIter = cfg.maxIter();
        int batch = train.batchSize();
        train.seek(solver.iter());
        ArrayDeque<Double> window = new ArrayDeque<>();
        double windowSum = 0;
        double lastLoss = Double.NaN;
        double lowestLoss = Double.POSITIVE_INFINITY;
        long windowStart = System.nanoTime();
        int windowIters = 0;
        // The ETA comes from steady-state iterations only: the first one also compiles programs and
        // tunes GEMM shapes (minutes on a new device) and would inflate it by orders of magnitude.
        long steadyStart = 0;
        Path lastModel = null;
        int startIter = solver.iter();
        int lastSnapshot = -1;
        ProgressBar bar = options.progressBar() ? new ProgressBar(out) : null;

        while (solver.iter() < maxIter) {
            int iter = solver.iter();
            if (evaluator != null && cfg.testInterval() > 0 && iter % cfg.testInterval() == 0 && (iter > 0 || cfg.testInitialization())
                    && !(iter == startIter && iter > 0)) {
                if (bar != null) {
                    bar.clear();
                }
                tests.add(test(evaluator, solver, cfg, log, iter, started));
            }
            train.feed();
            double lr = solver.learningRate();
            long stepStart = System.nanoTime();
            try {
                lastLoss = solver.step();
            } catch (LabelOutOfRangeException e) {
                throw train.explain(e);
            } catch (DivergedException e) {
                throw diverged(e, cfg, lowestLoss, lastLoss);
            }
            lowestLoss = Math.min(lowestLoss, lastLoss);
            double stepSeconds = (System.nanoTime() - stepStart) / 1e9;
            if (solver.iter() == startIter + 1) {
                out.println(preparation(engine) + String.format(Locale.ROOT, "; first iteration done %.1f s after the process started",
                        ManagementFactory.getRuntimeMXBean().getUptime() / 1e3));
                announceDeferredTuning(engine.gemmTuner());
                steadyStart = System.nanoTime();
            } else if (engine.gemmTuner() != null) {
                // The first iteration (compiling) is not counted: tuning gets a share of steady training time.
                engine.gemmTuner().afterIteration(engine, stepSeconds);
            }
            window.addLast(lastLoss);
            windowSum += lastLoss;
            if (window.size() > Math.max(1, cfg.averageLoss())) {
                windowSum -= window.removeFirst();
            }
            windowIters++;
            int done = solver.iter();
            if (cfg.display() > 0 && (iter % cfg.display() == 0 || done == maxIter)) {
                double secs = (System.nanoTime() - windowStart) / 1e9;
                double ips = windowIters * (double) batch / secs;
                double smoothed = windowSum / window.size();
                int steadyIters = done - (startIter + 1);
                double eta = steadyIters > 0 ? (maxIter - done) * (System.nanoTime() - steadyStart) / 1e9 / steadyIters : Double.NaN;
                if (bar != null) {
                    bar.clear();
                }
                out.printf(Locale.ROOT, "Iteration %d/%d, loss = %.4f (smoothed %.4f), lr = %.3g, %.1f images/s, ETA %s%n",
                        iter, maxIter, lastLoss, smoothed, lr, ips, Double.isNaN(eta) ? "after the first iterations" : duration(eta));
                log.train(iter, lastLoss, smoothed, lr, ips, (System.nanoTime() - started) / 1e9);
                windowStart = System.nanoTime();
                windowIters = 0;
            }
            if (bar != null) {
                bar.show(done, maxIter, lastLoss);
            }
            if (cfg.snapshot() > 0 && done % cfg.snapshot() == 0 && done < maxIter) {
                Path state = Snapshots.write(cfg.snapshotPrefix(), solver);
                lastModel = Snapshots.modelPath(cfg.snapshotPrefix(), done);
                lastSnapshot = done;
                if (bar != null) {
                    bar.clear();
                }
                out.printf("Snapshot: %s (+ %s)%n", DisplayPaths.of(lastModel), state.getFileName());
            }
        }
        if (bar != null) {
            bar.clear();
        }
        if (cfg.snapshotAfterTrain() && lastSnapshot != solver.iter()) {
            Path state = Snapshots.write(cfg.snapshotPrefix(), solver);
            lastModel = Snapshots.modelPath(cfg.snapshotPrefix(), solver.iter());
            out.printf("Snapshot: %s (+ %s)%n", DisplayPaths.of(lastModel), state.getFileName());
        }
        TestPoint last = null;
        if (evaluator != null) {
            last = test(evaluator, solver, cfg, log, solver.iter(), started);
            tests.add(last);
        }
        if (evaluator == null) {
            plotCurves(log.file());
        }
        double wall = (System.nanoTime() - started) / 1e9;
        int trained = solver.iter() - startIter;
        double ips = trained * (double) batch / wall;
        out.printf(Locale.ROOT, "Done: %d iterations in %s (%.1f images/s overall including tests)%n", trained, duration(wall), ips);
        if (last != null) {
            out.printf(Locale.ROOT, "Final test: top-1 = %s, top-5 = %s, loss = %.4f, wall time %s%n",
                    pct(last.top1()), pct(last.top5()), last.loss(), duration(wall));
        }
        return new Result(solver.iter(), last == null ? Double.NaN : last.top1(), last == null ? Double.NaN : last.top5(),
                last == null ? Double.NaN : last.loss(), lastLoss, wall, ips, tests, lastModel, seed);
    }

    /**
     * The divergence told truthfully: the newest snapshot whose weights are all finite (each candidate is
     * read and checked), and a likely cause only when the losses show one (they rose before the NaN).
     */
    private static DivergedException diverged(DivergedException e, SolverConfig cfg, double lowest, double last) {
        StringBuilder msg = new StringBuilder(e.getMessage());
        Path good = Snapshots.lastFiniteModel(cfg.snapshotPrefix(), (int) e.iteration());
        if (good != null) {
            msg.append(". The newest snapshot with finite weights is ").append(good).append(" (resume with --resume ")
                    .append(good.resolveSibling(good.getFileName().toString().replace(".caffemodel", ".solverstate"))).append(')');
        } else {
            msg.append(". No snapshot with finite weights was written before it");
        }
        if (Double.isFinite(last) && Double.isFinite(lowest) && last > 2 * lowest) {
            msg.append(String.format(Locale.ROOT, ". The loss rose from %.4g to %.4g first: a lower base_lr usually helps", lowest, last));
        } else if (Double.isFinite(last)) {
            msg.append(String.format(Locale.ROOT, ". The loss had not been rising (last %.4g, lowest %.4g): check the data and the"
                    + " initial weights for NaN or infinite values", last, lowest));
        }
        return new DivergedException(e.iteration(), msg.toString());
    }

    private TestPoint test(TestEvaluator evaluator, SgdSolver solver, SolverConfig cfg, TrainLog log, int iter, long started) {
        Map<Net.Output, Double> r = evaluator.run(cfg.testIter());
        double top1 = TestEvaluator.accuracy(r, 1);
        double top5 = TestEvaluator.accuracy(r, 5);
        double loss = TestEvaluator.loss(r);
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Net.Output, Double> e : r.entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %s = %.4f", e.getKey().topK() > 0 ? e.getKey().blob() + " (top-" + e.getKey().topK() + ")"
                    : e.getKey().blob() + " (loss)", e.getValue()));
        }
        out.printf(Locale.ROOT, "Test at iteration %d:%s%n", iter, sb);
        log.test(iter, loss, top1, top5, (System.nanoTime() - started) / 1e9);
        plotCurves(log.file());
        return new TestPoint(iter, loss, top1, top5);
    }

    /** Redraws the curves PNG next to the log; a failure to draw is reported but does not stop training. */
    private void plotCurves(Path logFile) {
        try {
            TrainingCurves.plot(List.of(logFile), TrainingCurves.pngFor(logFile));
        } catch (RuntimeException e) {
            out.println("warning: could not draw " + TrainingCurves.pngFor(logFile) + ": " + e.getMessage());
        }
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : String.format(Locale.ROOT, "%.1fs", seconds);
    }

    /** A one-line bar redrawn with a carriage return, for terminals only. */
    static final class ProgressBar {
        private final PrintStream out;
        private boolean shown;

        ProgressBar(PrintStream out) {
            this.out = out;
        }

        void show(int done, int total, double loss) {
            int width = 30;
            int filled = (int) ((long) done * width / Math.max(1, total));
            out.printf(Locale.ROOT, "\r[%s%s] %d/%d loss %.4f", "#".repeat(filled), ".".repeat(width - filled), done, total, loss);
            out.flush();
            shown = true;
        }

        void clear() {
            if (shown) {
                out.print("\r" + " ".repeat(70) + "\r");
                shown = false;
            }
        }
    }
}
