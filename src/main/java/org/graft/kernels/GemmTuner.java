package org.graft.kernels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.graft.engine.CpuPressure;
import org.graft.engine.Debug;
import org.graft.engine.Engine;
import org.graft.engine.ProcessCpu;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.DeviceInfo;

/**
 * Per-device GEMM auto-tuning. Each product shape is tuned once: the candidates, in the cost model's
 * order ({@link GemmVariant#ranked}), are screened by one timed run each (after a warm-up that also
 * compiles), the best {@link #FINALISTS} are timed to a median, and the fastest median wins. Winners go to
 * a {@link TuningCache} on disk, so later runs on the same device, driver and kernel source start tuned.
 *
 * <p>On a CPU device a timing is only as good as the cores it got: every timed run compares the
 * process's CPU time ({@link ProcessCpu}, the driver's worker threads included) with its wall time, and a
 * run that got less than {@link #FAIR_SHARE} of the compute units is repeated (a bounded number of
 * times), unless the machine says no thread waited for a core during it ({@link CpuPressure}): a product
 * too narrow to occupy every core then counts, where its share alone would never pass. A winner with a
 * timed run that stayed below its share through every retry is used for this process but not written to
 * the cache.
 *
 * <p>Two modes. Up front (the default; {@code time}, {@code bench}, {@code tune}): a new shape is tuned
 * when it first runs. Deferred ({@link #deferUntuned}, training): a new shape runs on the cost model's
 * choice straight away, so only that kernel is compiled, and is tuned later, one candidate at a time,
 * between training iterations ({@link #afterIteration}) within {@link #DEFERRED_SHARE} of training time;
 * the winner takes over from the next iteration.
 *
 * <p>Timing runs work on scratch A, B and C of the shape's size, so the caller's data is never touched.
 */
public final class GemmTuner implements AutoCloseable {
    /** Timed runs per finalist (the screen's run counts as the first). */
    static final int REPETITIONS = 3;
    /** Screened candidates timed to the median. */
    static final int FINALISTS = 3;
    /** A screened candidate this many times slower than the best screen run is not a finalist. */
    static final double GIVE_UP_FACTOR = 4;
    /** Wall-time bound on tuning one shape: the screen stops there and the best so far go to the final. */
    static final double SHAPE_BOUND_SECONDS = 20;
    /** A run on a CPU device is clean if it used at least this share of the compute units. */
    static final double FAIR_SHARE = 0.75;
    /** Extra tries for a run that got less than its share. */
    static final int SHARE_RETRIES = 3;
    /** Runs shorter than this are not judged: thread wake-ups dominate them, so their share says nothing. */
    static final double MIN_JUDGED_MS = 1.0;
    /** Deferred mode: time spent tuning is kept at most this fraction of the training time since. */
    public static final double DEFERRED_SHARE = 0.25;
    /** Deferred mode: candidates tried per shape (the cost model's best; {@code tune} tries all). */
    static final int DEFERRED_CANDIDATES = 8;

    /** Wall and process CPU time (injectable so the share check can be tested). */
    interface Clock {
        long wallNanos();

        /** CPU nanoseconds of the whole process, -1 if unknown. */
        long cpuNanos();

        /** Nanoseconds runnable threads of the machine have waited for a core ({@link CpuPressure}), -1 if unknown. */
        default long waitNanos() {
            return -1;
        }
    }

    static final Clock SYSTEM_CLOCK = new Clock() {
        @Override
        public long wallNanos() {
            return System.nanoTime();
        }

        @Override
        public long cpuNanos() {
            return ProcessCpu.nanos();
        }

        @Override
        public long waitNanos() {
            return CpuPressure.waitNanos();
        }
    };

    /**
     * How one shape was decided, for reports.
     *
     * @param ms        milliseconds per candidate id (medians for finalists, one run for the rest)
     * @param fromCache taken from the tuning cache, nothing timed
     * @param clean     the winner's timings got their share of the device (always true from the cache)
     */
    public record Result(String shape, double flops, String winner, Map<String, Double> ms, boolean fromCache, boolean clean) {
        public double winnerMs() {
            return ms.getOrDefault(winner, Double.NaN);
        }

        /** The fastest other candidate, or null if there was none. */
        public String runnerUp() {
            return ms.entrySet().stream().filter(x -> !x.getKey().equals(winner)).min(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey).orElse(null);
        }
    }

    private final List<GemmVariant> candidates;
    private final BiFunction<DeviceInfo, GemmCall, List<GemmVariant>> ranking;
    private final TuningCache cache;
    private final String signature;
    private final Map<String, GemmVariant> byId = new HashMap<>();
    private final Map<String, GemmVariant> chosen = new HashMap<>();
    private final Map<String, Result> results = new LinkedHashMap<>();
    private final Map<String, Search> pending = new LinkedHashMap<>();
    private Clock clock = SYSTEM_CLOCK;
    private boolean deferred;
    private boolean force;
    private int tunedShapes;
    private double tuningSeconds;
    private int cachedShapes;
    private int deferredShapes;
    private double trainingSeconds;
    private double deferredSeconds;
    private volatile Consumer<String> progress;

    /** A tuner that tries {@code candidates} in their list order for every shape. */
    GemmTuner(List<GemmVariant> candidates, TuningCache cache) {
        this(candidates, (d, call) -> candidates, cache);
    }

    /**
     * @param candidates every candidate (the cache's signature and the ids it may name)
     * @param ranking    the candidates to time for one call, predicted fastest first
     */
    GemmTuner(List<GemmVariant> candidates, BiFunction<DeviceInfo, GemmCall, List<GemmVariant>> ranking, TuningCache cache) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("GEMM tuner needs at least one candidate");
        }
        this.candidates = List.copyOf(candidates);
        this.ranking = ranking;
        this.cache = cache;
        this.signature = signature(this.candidates);
        for (GemmVariant v : candidates) {
            byId.put(v.id(), v);
        }
    }

    /** A tuner over the device's standard candidates, remembering winners in {@code cache} (may be null: memory only). */
    public static GemmTuner forEngine(Engine e, TuningCache cache) {
        return new GemmTuner(GemmVariant.candidates(e.device()), GemmVariant::ranked, cache);
    }

    /** Receives a line before each new shape is timed (null: quiet); see Engine#progress. */
    public void progress(Consumer<String> lines) {
        progress = lines;
    }

    /** From now on new shapes run the cost model's choice and are tuned between iterations ({@link #afterIteration}). */
    public synchronized void deferUntuned() {
        deferred = true;
    }

    /** Re-time shapes even if the cache has them (the new winners replace the cached ones). */
    public synchronized void force(boolean on) {
        force = on;
    }

    synchronized void clock(Clock c) {
        clock = c;
    }

    /** What identifies the candidates and their kernels; a cache written under another signature is not trusted. */
    static String signature(List<GemmVariant> candidates) {
        StringBuilder sb = new StringBuilder(KernelLibrary.source("gemm.cl"));
        candidates.forEach(v -> sb.append('\n').append(v.definition()));
        return ProgramCache.sha256(sb.toString());
    }

    String signature() {
        return signature;
    }

    /** The shape properties that decide which kernel is fastest. */
    static String shapeKey(GemmCall x) {
        return String.format(Locale.ROOT, "%s%s m%d n%d k%d batch%d%s%s", x.transA() ? "T" : "N", x.transB() ? "T" : "N",
                x.m(), x.n(), x.k(), x.batch(), x.batch() > 1 && x.strideA() == 0 ? " sharedA" : "",
                x.batch() > 1 && x.strideB() == 0 ? " sharedB" : "");
    }

    /** Runs {@code call} on the tuned variant for its shape, tuning first if the shape is new (up-front mode). */
    synchronized void run(Engine e, GemmCall call) {
        GemmVariant v = variantFor(e, call);
        if (!v.run(e, call)) {
            Gemm.run(e, Gemm.Path.MICRO, call); // cannot happen for a timed winner; stay correct anyway
        }
    }

    /** The variant used for {@code call}'s shape: from memory, from the disk cache, the model's choice, or tuned now. */
    synchronized GemmVariant variantFor(Engine e, GemmCall call) {
        String key = shapeKey(call);
        GemmVariant v = chosen.get(key);
        if (v != null) {
            return v;
        }
        if (e.planning() && !deferred) {
            return runnable(e, call, key).get(0); // nothing runs, so nothing can be timed: the choice's programs are prefetched
        }
        TuningCache.Entry stored = cache != null && !force ? cache.entry(e, signature, key) : null;
        v = stored != null ? byId.get(stored.winner()) : null;
        if (v != null && v.unsupported(e.device()) == null) {
            cachedShapes++;
            results.put(key, new Result(key, call.flops(), v.id(), stored.ms(), true, true));
        } else if (deferred) {
            List<GemmVariant> ranked = runnable(e, call, key);
            v = startChoice(ranked, e.device());
            Search s = new Search(key, call, deferredShortlist(ranked, v));
            pending.put(key, s);
            deferredShapes++;
        } else {
            v = tune(e, call, key);
        }
        chosen.put(key, v);
        return v;
    }

    /**
     * What an untuned shape starts on in deferred mode: of the ranked candidates, the first built from the
     * same kernel code as the device's default block ({@link GemmMicro.Config#sameCode}), so that all shapes
     * of a net share a few programs on a fresh start instead of each compiling the block shape the model
     * likes best for it (on 2 cores each gemm.cl program costs about a second); tiny products keep the
     * simple kernel when it ranks first. Tuning between iterations then tries every block shape.
     */
    static GemmVariant startChoice(List<GemmVariant> order, DeviceInfo d) {
        if (d.isGpu() || order.get(0) instanceof GemmVariant.Simple) {
            return order.get(0);
        }
        GemmMicro.Config standard = GemmMicro.forDevice(d);
        for (GemmVariant v : order) {
            if (v instanceof GemmVariant.Micro m && m.config().sameCode(standard)) {
                return v;
            }
        }
        return order.get(0);
    }

    /**
     * What training tunes between iterations: the cost model's first {@link #DEFERRED_CANDIDATES} and the
     * start choice. Searching the whole space there (about 30 candidates on a CPU) outlasted a ten-minute run
     * at its share of the time; {@code tune} searches everything.
     */
    static List<GemmVariant> deferredShortlist(List<GemmVariant> ranked, GemmVariant start) {
        List<GemmVariant> out = new ArrayList<>(ranked.subList(0, Math.min(DEFERRED_CANDIDATES, ranked.size())));
        if (!out.contains(start)) {
            out.add(0, start);
        }
        return out;
    }

    /** The ranked candidates that can run on the device; at least one, else a clear error. */
    private List<GemmVariant> runnable(Engine e, GemmCall call, String key) {
        List<GemmVariant> out = new ArrayList<>();
        for (GemmVariant v : ranking.apply(e.device(), call)) {
            String why = v.unsupported(e.device());
            if (why == null) {
                out.add(v);
            } else {
                Debug.log(() -> "gemm tuning " + key + ": skipping " + v.id() + ": " + why);
            }
        }
        if (out.isEmpty()) {
            throw noCandidate(e, key);
        }
        return out;
    }

    private static IllegalStateException noCandidate(Engine e, String key) {
        return new IllegalStateException("gemm tuning " + key + ": no candidate kernel could run on " + e.device().describe()
                + " (set GRAFT_DEBUG=1 to see why each was skipped)");
    }

    private GemmVariant tune(Engine e, GemmCall call, String key) {
        Consumer<String> say = progress;
        List<GemmVariant> order = runnable(e, call, key);
        if (say != null) {
            if (tunedShapes == 0) {
                say.accept("Tuning GEMM for this device (each new matrix shape once; remembered afterwards)...");
            }
            say.accept("  timing up to " + order.size() + " GEMM kernels on shape " + key + " (shape " + (tunedShapes + 1) + ")");
        }
        try (Search s = new Search(key, call, order)) {
            while (!s.step(e)) {
                // one candidate per step
            }
            return s.winner;
        }
    }

    /**
     * Deferred mode, called after each training iteration with its wall time: spends at most one tuning
     * step (one candidate's compile and runs) while tuning stays within {@link #DEFERRED_SHARE} of the
     * training time; a shape whose tuning finishes switches to its winner for the next call.
     */
    public synchronized void afterIteration(Engine e, double iterationSeconds) {
        if (pending.isEmpty()) {
            return;
        }
        trainingSeconds += iterationSeconds;
        if (deferredSeconds > DEFERRED_SHARE * trainingSeconds) {
            return;
        }
        long t0 = clock.wallNanos();
        // The shape in progress, else the biggest product: it gains the most per iteration once tuned.
        Search s = pending.values().stream().filter(Search::started).findFirst()
                .orElseGet(() -> pending.values().stream().max(Comparator.comparingDouble(x -> x.shape.flops())).orElseThrow());
        Consumer<String> compileLines = e.kernels().progress();
        e.kernels().progress(null); // candidates compiled between iterations would bury the training lines
        try {
            if (s.step(e)) {
                pending.remove(s.key);
                s.close();
                chosen.put(s.key, s.winner);
            }
        } catch (RuntimeException ex) {
            // Tuning is an optimisation: training goes on with the model's choice for this shape.
            pending.remove(s.key);
            s.close();
            Debug.log(() -> "gemm tuning " + s.key + " between iterations failed, keeping the model's choice: " + ex);
        } finally {
            e.kernels().progress(compileLines);
            deferredSeconds += (clock.wallNanos() - t0) / 1e9;
        }
        Consumer<String> say = progress;
        if (pending.isEmpty() && say != null) {
            say.accept(String.format(Locale.ROOT, "GEMM tuning done: %d shape(s) tuned between iterations in %.1f s%s", deferredShapes,
                    deferredSeconds, notCachedNote()));
        }
    }

    private String notCachedNote() {
        long unclean = results.values().stream().filter(r -> !r.fromCache() && !r.clean()).count();
        return unclean == 0 ? "; winners cached" : "; " + unclean + " winner(s) not cached: their timings were disturbed by other load";
    }

    /** Shapes waiting to be tuned between iterations. */
    public synchronized int pendingShapes() {
        return pending.size();
    }

    /** Candidate runs still ahead of the pending shapes (an upper bound: the screen may stop early). */
    public synchronized int pendingSteps() {
        return pending.values().stream().mapToInt(Search::stepsLeft).sum();
    }

    /** Frees the scratch buffers of shapes still waiting to be tuned. */
    @Override
    public synchronized void close() {
        pending.values().forEach(Search::close);
        pending.clear();
    }

    /**
     * Whether a run of {@code wallNanos} got the cores it could use: it used {@code cpuNanos} of process CPU
     * time, at least its share of the device, or threads waited for a core during at most
     * 1 - {@link #FAIR_SHARE} of it ({@code waitNanos}, -1 if unknown).
     */
    static boolean fair(DeviceInfo d, long wallNanos, long cpuNanos, long waitNanos) {
        if (d.isGpu() || cpuNanos < 0 || wallNanos < MIN_JUDGED_MS * 1e6) {
            return true; // a GPU's work uses no host cores; an unknown or too short run cannot be judged
        }
        return cpuNanos >= FAIR_SHARE * d.computeUnits() * wallNanos
                || waitNanos >= 0 && waitNanos <= (1 - FAIR_SHARE) * wallNanos;
    }

    /** {@code to - from} of a counter that reads -1 when unknown; -1 if either reading is. */
    private static long elapsed(long from, long to) {
        return from < 0 || to < 0 ? -1 : to - from;
    }

    /** One timed run: milliseconds, and whether it got its share of the device. */
    private record Run(double ms, boolean clean) {
    }

    /** The tuning of one shape, step by step (one candidate per step), on scratch operands. */
    private final class Search implements AutoCloseable {
        final String key;
        final GemmCall shape;
        final List<GemmVariant> order;
        final Map<String, List<Run>> runs = new LinkedHashMap<>();
        List<GemmVariant> finalists;
        int next;
        double seconds;
        GemmVariant winner;
        private ClBuffer a;
        private ClBuffer b;
        private ClBuffer c;
        private GemmCall trial;

        Search(String key, GemmCall shape, List<GemmVariant> order) {
            this.key = key;
            this.shape = shape;
            this.order = order;
        }

        boolean started() {
            return trial != null;
        }

        int stepsLeft() {
            return finalists == null ? order.size() - next + FINALISTS : finalists.size() - next;
        }

        /** Screens or finishes one candidate; true once the shape is decided ({@link #winner} set). */
        boolean step(Engine e) {
            long t0 = clock.wallNanos();
            try {
                if (trial == null) {
                    trial = scratch(e);
                    if (!deferred) {
                        planCandidates(e);
                    }
                }
                if (finalists == null) {
                    screen(e, order.get(next++));
                    if (next == order.size() || seconds + (clock.wallNanos() - t0) / 1e9 > SHAPE_BOUND_SECONDS) {
                        pickFinalists(e);
                    }
                } else {
                    GemmVariant v = finalists.get(next++);
                    for (int i = runs.get(v.id()).size(); i < REPETITIONS; i++) {
                        runs.get(v.id()).add(timedRun(e, v));
                    }
                }
            } finally {
                seconds += (clock.wallNanos() - t0) / 1e9;
            }
            if (finalists != null && next == finalists.size()) {
                decide(e);
                return true;
            }
            return false;
        }

        /**
         * Up front, every candidate's programs compile at once on the compile threads, all finished before the
         * first timed run (a build beside it would steal its cores). Not between training iterations: there
         * the compiles are budgeted steps.
         */
        private void planCandidates(Engine e) {
            e.plan(() -> order.forEach(v -> {
                try {
                    v.run(e, trial);
                } catch (RuntimeException ex) {
                    Debug.log(() -> "gemm tuning " + key + ": planning " + v.id() + ": " + ex.getMessage());
                }
            }));
            e.kernels().awaitBuilds();
        }

        /** A warm-up (compiles; may fail on a driver) and one timed run. */
        private void screen(Engine e, GemmVariant v) {
            try {
                if (!v.run(e, trial)) {
                    Debug.log(() -> "gemm tuning " + key + ": skipping " + v.id() + ": the compiled kernel cannot take its work-group size");
                    return;
                }
                e.finish();
                List<Run> r = new ArrayList<>();
                r.add(timedRun(e, v));
                runs.put(v.id(), r);
            } catch (RuntimeException ex) {
                Debug.log(() -> "gemm tuning " + key + ": skipping " + v.id() + ": " + ex.getMessage());
                e.finish();
            }
        }

        private void pickFinalists(Engine e) {
            if (runs.isEmpty()) {
                throw noCandidate(e, key);
            }
            double best = runs.values().stream().mapToDouble(r -> r.get(0).ms()).min().orElseThrow();
            finalists = order.stream().filter(v -> runs.containsKey(v.id()) && runs.get(v.id()).get(0).ms() <= GIVE_UP_FACTOR * best)
                    .sorted(Comparator.comparingDouble(v -> runs.get(v.id()).get(0).ms())).limit(FINALISTS).toList();
            next = 0;
        }

        /** Repeats a run that got less than its share, up to {@link #SHARE_RETRIES} times; the fastest try counts. */
        private Run timedRun(Engine e, GemmVariant v) {
            Run best = null;
            for (int attempt = 0; attempt <= SHARE_RETRIES; attempt++) {
                long cpu0 = clock.cpuNanos();
                long wait0 = clock.waitNanos();
                long wall0 = clock.wallNanos();
                v.run(e, trial);
                e.finish();
                long wall = clock.wallNanos() - wall0;
                long cpu = elapsed(cpu0, clock.cpuNanos());
                long waited = elapsed(wait0, clock.waitNanos());
                Run r = new Run(wall / 1e6, fair(e.device(), wall, cpu, waited));
                if (r.clean()) {
                    return r;
                }
                Debug.log(() -> String.format(Locale.ROOT, "gemm tuning %s: %s run got %.2f of %d cores, threads waited for a core"
                                + " %.0f %% of it; retrying", key, v.id(), cpu / (double) wall, e.device().computeUnits(),
                        waited < 0 ? Double.NaN : 100.0 * waited / wall));
                best = best == null || r.ms() < best.ms() ? r : best;
            }
            return best;
        }

        private void decide(Engine e) {
            Map<String, Double> ms = new LinkedHashMap<>();
            for (Map.Entry<String, List<Run>> x : runs.entrySet()) {
                ms.put(x.getKey(), median(x.getValue()));
            }
            winner = finalists.stream().min(Comparator.comparingDouble(v -> ms.get(v.id()))).orElseThrow();
            boolean clean = runs.get(winner.id()).stream().allMatch(Run::clean);
            tunedShapes++;
            tuningSeconds += seconds;
            Result r = new Result(key, shape.flops(), winner.id(), ms, false, clean);
            results.put(key, r);
            Debug.log(() -> String.format(Locale.ROOT, "gemm tuning %s: %s wins; ms %s; %.2f s%s", key, r.winner(), ms, seconds,
                    clean ? "" : "; timings disturbed by other load"));
            if (!clean) {
                Consumer<String> say = progress;
                String line = "  GEMM shape " + key + ": " + winner.id() + " used now but not cached (its timings got less than "
                        + Math.round(FAIR_SHARE * 100) + " % of the device's cores: other load on the machine)";
                if (say != null && !deferred) {
                    say.accept(line);
                } else {
                    Debug.log(() -> line);
                }
            } else if (cache != null) {
                cache.record(e, signature, key, winner.id(), ms);
            }
            close();
        }

        private double median(List<Run> r) {
            double[] v = r.stream().mapToDouble(Run::ms).sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        /** Dense scratch operands of the shape (shared A or B stays shared), zero-filled; C as the caller's beta has it. */
        private GemmCall scratch(Engine e) {
            GemmCall x = shape;
            long mk = (long) x.m() * x.k();
            long kn = (long) x.k() * x.n();
            long mn = (long) x.m() * x.n();
            boolean sharedA = x.batch() > 1 && x.strideA() == 0;
            boolean sharedB = x.batch() > 1 && x.strideB() == 0;
            a = e.alloc(sharedA ? mk : mk * x.batch(), "gemm-tuning.A");
            b = e.alloc(sharedB ? kn : kn * x.batch(), "gemm-tuning.B");
            c = e.alloc(mn * x.batch(), "gemm-tuning.C");
            for (ClBuffer buf : new ClBuffer[] {a, b, c}) {
                e.cl().zero(buf);
            }
            return new GemmCall(x.transA(), x.transB(), x.transC(), x.m(), x.n(), x.k(), x.alpha(),
                    a, 0, x.transA() ? x.m() : x.k(), sharedA ? 0 : (int) mk,
                    b, 0, x.transB() ? x.k() : x.n(), sharedB ? 0 : (int) kn,
                    x.beta(), c, 0, x.transC() ? x.m() : x.n(), (int) mn, x.batch());
        }

        @Override
        public void close() {
            for (ClBuffer buf : new ClBuffer[] {a, b, c}) {
                if (buf != null) {
                    buf.close();
                }
            }
            a = null;
            b = null;
            c = null;
            trial = null;
        }
    }

    /** Shapes timed in this run, and the wall time that took. */
    public synchronized int tunedShapes() {
        return tunedShapes;
    }

    public synchronized double tuningSeconds() {
        return tuningSeconds;
    }

    /** Shapes whose winner came from the disk cache. */
    public synchronized int cachedShapes() {
        return cachedShapes;
    }

    /** Shape → chosen variant id, for reports. */
    public synchronized Map<String, String> choices() {
        Map<String, String> out = new LinkedHashMap<>();
        chosen.forEach((k, v) -> out.put(k, v.id()));
        return out;
    }

    /** How each decided shape was decided (cache or timing), in the order the shapes were met. */
    public synchronized List<Result> results() {
        return List.copyOf(results.values());
    }

    List<GemmVariant> candidates() {
        return new ArrayList<>(candidates);
    }
}
