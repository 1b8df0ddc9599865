package org.graft.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.graft.engine.Debug;
import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;

/**
 * Per-device GEMM auto-tuning. The first time a product of a given shape runs, every candidate
 * {@link GemmVariant} is timed on it (one warm-up that also compiles, then several timed runs; the
 * median decides, so one lucky run cannot pick a noisy winner), and the fastest is used from then on.
 * Winners are kept in a {@link TuningCache} on disk, so later runs on the same device, driver and
 * kernel source start tuned.
 *
 * <p>Timing runs read the caller's real A and B (read-only) but write a scratch C, so the caller's
 * output (which may be accumulated into, beta = 1) is untouched; the winner then runs the real call.
 * Tuning synchronises with the device, which is why it happens once per shape and is cached.
 */
public final class GemmTuner {
    /** Timed runs per candidate after the warm-up. */
    static final int REPETITIONS = 3;
    /** A candidate whose first timed run is this many times slower than the best median so far is dropped. */
    static final double GIVE_UP_FACTOR = 4;

    private final List<GemmVariant> candidates;
    private final TuningCache cache;
    private final String signature;
    private final Map<String, GemmVariant> byId = new HashMap<>();
    private final Map<String, GemmVariant> chosen = new HashMap<>();
    private int tunedShapes;
    private double tuningSeconds;
    private int cachedShapes;
    private volatile Consumer<String> progress;

    GemmTuner(List<GemmVariant> candidates, TuningCache cache) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("GEMM tuner needs at least one candidate");
        }
        this.candidates = List.copyOf(candidates);
        this.cache = cache;
        this.signature = signature(this.candidates);
        for (GemmVariant v : candidates) {
            byId.put(v.id(), v);
        }
    }

    /** A tuner over the device's standard candidates, remembering winners in {@code cache} (may be null: memory only). */
    public static GemmTuner forEngine(Engine e, TuningCache cache) {
        return new GemmTuner(GemmVariant.candidates(e.device()), cache);
    }

    /** Receives a line before each new shape is timed (null: quiet); see Engine#progress. */
    public void progress(Consumer<String> lines) {
        progress = lines;
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

    /** Runs {@code call} on the tuned variant for its shape, tuning first if the shape is new. */
    synchronized void run(Engine e, GemmCall call) {
        GemmVariant v = variantFor(e, call);
        if (!v.run(e, call)) {
            Gemm.run(e, Gemm.Path.MICRO, call); // cannot happen for a timed winner; stay correct anyway
        }
    }

    /** The variant used for {@code call}'s shape: from memory, from the disk cache, or tuned now. */
    synchronized GemmVariant variantFor(Engine e, GemmCall call) {
        String key = shapeKey(call);
        GemmVariant v = chosen.get(key);
        if (v != null) {
            return v;
        }
        String cachedId = cache != null ? cache.winner(e, signature, key) : null;
        v = cachedId != null ? byId.get(cachedId) : null;
        if (v != null && v.unsupported(e.device()) == null) {
            cachedShapes++;
        } else {
            v = tune(e, call, key);
        }
        chosen.put(key, v);
        return v;
    }

    private GemmVariant tune(Engine e, GemmCall call, String key) {
        Consumer<String> say = progress;
        if (say != null) {
            if (tunedShapes == 0) {
                say.accept("Tuning GEMM for this device (each new matrix shape once; remembered afterwards)...");
            }
            say.accept("  timing " + candidates.size() + " GEMM kernels on shape " + key + " (shape " + (tunedShapes + 1) + ")");
        }
        long t0 = System.nanoTime();
        long cFloats = (long) call.batch() * call.m() * call.n();
        Map<String, Double> medians = new LinkedHashMap<>();
        GemmVariant best = null;
        double bestMs = Double.POSITIVE_INFINITY;
        try (ClBuffer scratch = e.alloc(cFloats, "gemm-tuning.C")) {
            e.cl().zero(scratch);
            // Dense scratch C: ldc = n, one m×n block per batch entry; beta as the caller has it.
            GemmCall trial = new GemmCall(call.transA(), call.transB(), call.transC(), call.m(), call.n(), call.k(), call.alpha(),
                    call.a(), call.offA(), call.lda(), call.strideA(), call.b(), call.offB(), call.ldb(), call.strideB(),
                    call.beta(), scratch, 0, call.transC() ? call.m() : call.n(), call.m() * call.n(), call.batch());
            for (GemmVariant v : candidates) {
                String why = v.unsupported(e.device());
                if (why != null) {
                    Debug.log(() -> "gemm tuning " + key + ": skipping " + v.id() + ": " + why);
                    continue;
                }
                double ms = time(e, v, trial, bestMs, key);
                if (Double.isNaN(ms)) {
                    continue;
                }
                medians.put(v.id(), ms);
                if (ms < bestMs) {
                    bestMs = ms;
                    best = v;
                }
            }
        }
        if (best == null) {
            throw new IllegalStateException("gemm tuning " + key + ": no candidate kernel could run on " + e.device().describe()
                    + " (set GRAFT_DEBUG=1 to see why each was skipped)");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        tunedShapes++;
        tuningSeconds += seconds;
        GemmVariant winner = best;
        Debug.log(() -> String.format(Locale.ROOT, "gemm tuning %s: %s wins; medians (ms) %s; %.2f s", key, winner.id(), medians, seconds));
        if (cache != null) {
            cache.record(e, signature, key, best.id(), medians);
        }
        return best;
    }

    /**
     * Median milliseconds of {@link #REPETITIONS} runs after a warm-up, or NaN if the variant failed
     * (compile error, refused launch) or was clearly slower than {@code bestMs} after its first run.
     */
    private static double time(Engine e, GemmVariant v, GemmCall trial, double bestMs, String key) {
        try {
            if (!v.run(e, trial)) {
                Debug.log(() -> "gemm tuning " + key + ": skipping " + v.id() + ": the compiled kernel cannot take its work-group size");
                return Double.NaN;
            }
            e.finish();
            double[] ms = new double[REPETITIONS];
            for (int i = 0; i < REPETITIONS; i++) {
                long t0 = System.nanoTime();
                v.run(e, trial);
                e.finish();
                ms[i] = (System.nanoTime() - t0) / 1e6;
                if (i == 0 && ms[0] > GIVE_UP_FACTOR * bestMs) {
                    return ms[0]; // far behind: one run is evidence enough that it will not win
                }
            }
            Arrays.sort(ms);
            return ms[REPETITIONS / 2];
        } catch (RuntimeException ex) {
            Debug.log(() -> "gemm tuning " + key + ": skipping " + v.id() + ": " + ex.getMessage());
            e.finish();
            return Double.NaN;
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

    List<GemmVariant> candidates() {
        return new ArrayList<>(candidates);
    }
}
