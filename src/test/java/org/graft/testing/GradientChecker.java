package org.graft.testing;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
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
 * about 1e-7·|L|/h, both well under 1e-2 for the small, O(1)-valued test shapes used.
 * Inputs with kinks (ReLU, max) must be chosen by the caller so that ±h cannot cross one.
 */
public final class GradientChecker {
    private final double step;
    private final double threshold;
    private final int maxChecksPerBlob;
    private final Random random = new Random(1701);

    public GradientChecker(double step, double threshold, int maxChecksPerBlob) {
        this.step = step;
        this.threshold = threshold;
        this.maxChecksPerBlob = maxChecksPerBlob;
    }

    public GradientChecker() {
        this(1e-2, 1e-2, 40);
    }

    /**
     * Checks d(Σ top·R)/d(bottom) for every bottom in {@code checkBottoms} and d/d(param) for every
     * parameter. The layer must already be set up, and bottoms filled with data.
     */
    public void check(Engine e, Layer layer, List<Blob> bottom, List<Blob> top, boolean[] checkBottoms, Pass pass) {
        layer.forward(bottom, top, pass);
        // Random objective weights R for every top.
        List<float[]> weights = new ArrayList<>();
        for (Blob t : top) {
            float[] r = Rand.uniform(random, t.count(), -1f, 1f);
            weights.add(r);
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
        for (int b = 0; b < bottom.size(); b++) {
            if (checkBottoms[b]) {
                checkBlob("bottom[" + b + "]", bottom.get(b), bottomGrads.get(b), layer, bottom, top, weights, pass);
            }
        }
        for (int p = 0; p < params.size(); p++) {
            checkBlob("param '" + params.get(p).name() + "'", params.get(p).blob(), paramGrads.get(p), layer, bottom, top, weights, pass);
        }
    }

    private void checkBlob(String what, Blob blob, float[] analytic, Layer layer, List<Blob> bottom, List<Blob> top,
                           List<float[]> weights, Pass pass) {
        float[] values = blob.download();
        int n = values.length;
        int checks = Math.min(n, maxChecksPerBlob);
        for (int c = 0; c < checks; c++) {
            int idx = n <= maxChecksPerBlob ? c : random.nextInt(n);
            float orig = values[idx];
            values[idx] = (float) (orig + step);
            blob.upload(values);
            double plus = objective(layer, bottom, top, weights, pass);
            values[idx] = (float) (orig - step);
            blob.upload(values);
            double minus = objective(layer, bottom, top, weights, pass);
            values[idx] = orig;
            blob.upload(values);
            double numeric = (plus - minus) / (2 * step);
            double a = analytic[idx];
            double scale = Math.max(Math.max(Math.abs(a), Math.abs(numeric)), 1.0);
            if (!(Math.abs(a - numeric) <= threshold * scale)) {
                fail(String.format("layer '%s' (%s): gradient of %s at index %d: analytic %.6g vs numeric %.6g",
                        layer.name(), layer.type(), what, idx, a, numeric));
            }
        }
    }

    private static double objective(Layer layer, List<Blob> bottom, List<Blob> top, List<float[]> weights, Pass pass) {
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
