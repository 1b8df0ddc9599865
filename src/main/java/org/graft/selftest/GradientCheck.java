package org.graft.selftest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.layers.Layer;
import org.graft.layers.Param;
import org.graft.layers.Pass;

/**
 * Finite-difference check of a layer's backward pass on the device, in the manner of Caffe's
 * GradientChecker: the scalar objective is L = Σ top·R for fixed random R (so top's diff is R), the
 * analytic gradients come from {@link Layer#backward}, and the numeric ones from central differences
 * (L(x+h) − L(x−h)) / 2h of the device forward pass, accumulated in double on the host.
 *
 * <p>Tolerance (Caffe's, for float): |analytic − numeric| ≤ threshold · max(|analytic|, |numeric|, 1).
 * With h = 1e-2 the truncation error is O(h²·f''') and the float rounding error of the difference is
 * about 1e-7·|L|/h, both well under 1e-2 for the small, O(1)-valued shapes used.
 * Inputs with kinks (ReLU, max) must be chosen by the caller so that ±h cannot cross one.
 *
 * <p>Unlike a unit-test assertion this returns the worst discrepancy found, so {@code selftest} can
 * print it; unit tests call {@link Result#orThrow()} to fail on a result that did not pass.
 */
public final class GradientCheck {
    public static final double DEFAULT_STEP = 1e-2;
    public static final double DEFAULT_THRESHOLD = 1e-2;
    public static final int DEFAULT_CHECKS_PER_BLOB = 40;

    private final double step;
    private final double threshold;
    private final int maxChecksPerBlob;
    private final Random random = new Random(1701);

    public GradientCheck(double step, double threshold, int maxChecksPerBlob) {
        this.step = step;
        this.threshold = threshold;
        this.maxChecksPerBlob = maxChecksPerBlob;
    }

    public GradientCheck() {
        this(DEFAULT_STEP, DEFAULT_THRESHOLD, DEFAULT_CHECKS_PER_BLOB);
    }

    public double threshold() {
        return threshold;
    }

    /** One compared gradient element. */
    public record Discrepancy(String blob, int index, double analytic, double numeric) {
        public double absError() {
            return Math.abs(analytic - numeric);
        }

        /** |a − n| / max(|a|, |n|, 1): the quantity the threshold bounds (NaN if either is NaN). */
        public double scaledError() {
            return absError() / Math.max(Math.max(Math.abs(analytic), Math.abs(numeric)), 1.0);
        }
    }

    /**
     * The outcome of one {@link #check}: how many elements were compared, the largest absolute and
     * scaled errors, and the worst element (a non-finite one counts as worst).
     */
    public record Result(String layer, String layerType, int checked, double maxAbsError, double maxScaledError,
                         double threshold, Discrepancy worst) {
        public boolean passed() {
            return worst == null || !Double.isNaN(worst.scaledError()) && maxScaledError <= threshold;
        }

        public String describe() {
            if (worst == null) {
                return String.format("layer '%s' (%s): no gradient elements checked", layer, layerType);
            }
            return String.format("layer '%s' (%s): gradient of %s at index %d: analytic %.6g vs numeric %.6g "
                            + "(scaled error %.3g, threshold %.3g; %d elements checked)",
                    layer, layerType, worst.blob(), worst.index(), worst.analytic(), worst.numeric(),
                    worst.scaledError(), threshold, checked);
        }

        /** This result, or an {@link AssertionError} saying {@link #describe()} when it failed: for callers that stop at the first failure, as unit tests do. */
        public Result orThrow() {
            if (!passed()) {
                throw new AssertionError(describe());
            }
            return this;
        }
    }

    /**
     * Checks d(Σ top·R)/d(bottom) for every bottom in {@code checkBottoms} and d/d(param) for every
     * parameter. The layer must already be set up, and bottoms filled with data. Blob contents are
     * restored after each perturbation; top diffs and parameter diffs are left as the backward pass wrote them.
     */
    public Result check(Layer layer, List<Blob> bottom, List<Blob> top, boolean[] checkBottoms, Pass pass) {
        boolean[] all = new boolean[layer.params().size()];
        Arrays.fill(all, true);
        return check(layer, bottom, top, checkBottoms, all, pass);
    }

    /**
     * As {@link #check(Layer, List, List, boolean[], Pass)}, for the parameters marked in {@code checkParams}
     * only: a layer's blobs without a gradient (BatchNorm's statistics) are left out.
     */
    public Result check(Layer layer, List<Blob> bottom, List<Blob> top, boolean[] checkBottoms, boolean[] checkParams, Pass pass) {
        layer.forward(bottom, top, pass);
        List<float[]> weights = new ArrayList<>();
        for (Blob t : top) {
            weights.add(uniform(t.count()));
        }
        List<Param> params = layer.params();
        for (Param p : params) {
            p.blob().zeroDiff();
        }
        for (int i = 0; i < top.size(); i++) {
            top.get(i).uploadDiff(weights.get(i));
        }
        layer.backward(top, bottom, checkBottoms, pass);
        // Snapshot analytic gradients before perturbing anything.
        List<float[]> bottomGrads = new ArrayList<>();
        for (int b = 0; b < bottom.size(); b++) {
            bottomGrads.add(checkBottoms[b] ? bottom.get(b).downloadDiff() : null);
        }
        List<float[]> paramGrads = new ArrayList<>();
        for (Param p : params) {
            paramGrads.add(p.blob().downloadDiff());
        }
        Worst worst = new Worst();
        Objective objective = new Objective(layer, bottom, top, weights, pass);
        for (int b = 0; b < bottom.size(); b++) {
            if (checkBottoms[b]) {
                checkBlob("bottom[" + b + "]", bottom.get(b), bottomGrads.get(b), objective, worst);
            }
        }
        for (int p = 0; p < params.size(); p++) {
            if (!checkParams[p]) {
                continue;
            }
            checkBlob("param '" + params.get(p).name() + "'", params.get(p).blob(), paramGrads.get(p), objective, worst);
        }
        return new Result(layer.name(), layer.type(), worst.checked, worst.maxAbs, worst.maxScaled, threshold, worst.element);
    }

    private void checkBlob(String what, Blob blob, float[] analytic, Objective objective, Worst worst) {
        float[] values = blob.download();
        int n = values.length;
        int checks = Math.min(n, maxChecksPerBlob);
        for (int c = 0; c < checks; c++) {
            int idx = n <= maxChecksPerBlob ? c : random.nextInt(n);
            float orig = values[idx];
            values[idx] = (float) (orig + step);
            blob.upload(values);
            double plus = objective.value();
            values[idx] = (float) (orig - step);
            blob.upload(values);
            double minus = objective.value();
            values[idx] = orig;
            blob.upload(values);
            worst.add(new Discrepancy(what, idx, analytic[idx], (plus - minus) / (2 * step)));
        }
    }

    private float[] uniform(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = -1f + 2f * random.nextFloat();
        }
        return a;
    }

    /** L = Σ top·R through the device forward pass, summed in double. */
    private record Objective(Layer layer, List<Blob> bottom, List<Blob> top, List<float[]> weights, Pass pass) {
        double value() {
            layer.forward(bottom, top, pass);
            double sum = 0;
            for (int i = 0; i < top.size(); i++) {
                float[] t = top.get(i).download();
                float[] w = weights.get(i);
                for (int j = 0; j < t.length; j++) {
                    sum += (double) t[j] * w[j];
                }
            }
            return sum;
        }
    }

    /** Running maximum; the first non-finite discrepancy sticks as the worst. */
    private static final class Worst {
        int checked;
        double maxAbs;
        double maxScaled;
        Discrepancy element;

        void add(Discrepancy d) {
            checked++;
            double scaled = d.scaledError();
            if (element != null && Double.isNaN(element.scaledError())) {
                return;
            }
            if (Double.isNaN(scaled)) {
                element = d;
                maxAbs = Double.NaN;
                maxScaled = Double.NaN;
                return;
            }
            maxAbs = Math.max(maxAbs, d.absError());
            if (element == null || scaled > maxScaled) {
                maxScaled = scaled;
                element = d;
            }
        }
    }
}
