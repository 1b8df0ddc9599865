package org.graft.ops.innerproduct;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.ops.innerproduct.InnerProductLayer.Spec;
import org.graft.ops.relu.ReLUReference;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link InnerProductLayer} against {@link InnerProductReference}, and its gradient check.
 * Tolerance: an output that is a float sum of L terms
 * plus one addend errs by at most (L+1)*2^-24*Σ|terms| (Higham's bound) and the double reference rounds
 * once more, so each comparison allows (L+2)*2^-24*S absolute, S the largest Σ|terms| of that output
 * (computed by the reference on |values|).
 */
public final class InnerProductCase {
    private static final double U = Math.pow(2, -24);

    public record Shape(int[] bottom, Spec spec) {
        @Override
        public String toString() {
            return RandomData.shape(bottom) + " -> " + spec.numOutput() + (spec.biasTerm() ? "" : " no bias")
                    + (spec.transpose() ? " transposed" : "") + " axis " + spec.axis();
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {2, 3, 11}, new Spec(4, true, true, -1)),
            new Shape(new int[] {5, 3, 7}, new Spec(9, false, true, 1)),
            new Shape(new int[] {2, 3, 4, 5}, new Spec(6, true, false, 2)),
            new Shape(new int[] {1, 5}, new Spec(3, true, false, 1)),
            new Shape(new int[] {2, 3, 4, 5}, new Spec(7, true, false, 1)),
            new Shape(new int[] {1, 3, 5, 5}, new Spec(11, true, false, 1)),
            new Shape(new int[] {3, 17}, new Spec(13, true, true, 1)),
            new Shape(new int[] {5, 3, 7}, new Spec(9, false, false, 1)),
            new Shape(new int[] {7, 1, 1, 1}, new Spec(1, true, false, 1)),
            new Shape(new int[] {64, 1000}, new Spec(37, true, false, 1)),
            new Shape(new int[] {2, 256, 6, 6}, new Spec(512, true, false, 1)), // fc6-like fan-in
            new Shape(new int[] {4, 3}, new Spec(5, true, false, 0)),          // axis 0: the whole blob is one row
            new Shape(new int[] {2, 3, 1, 5}, new Spec(3, true, true, 0)),
            new Shape(new int[] {6, 7}, new Spec(2, true, false, -1)),         // rank 2, axis -1 = 1
            new Shape(new int[] {2, 3, 4, 5}, new Spec(4, false, false, 3)),   // K = the last dim only
            new Shape(new int[] {2, 3, 4, 5}, new Spec(1, true, true, -3)),
            new Shape(new int[] {5, 1, 1, 1}, new Spec(3, true, true, 1)),    // one input per row
            new Shape(new int[] {1, 1}, new Spec(1, false, true, 0)));

    public static final List<Shape> GRADIENT = List.of(
            new Shape(new int[] {2, 3, 2, 2}, new Spec(5, true, false, 1)),
            new Shape(new int[] {3, 7}, new Spec(4, false, true, 1)),
            new Shape(new int[] {2, 3, 5}, new Spec(3, true, true, 2)),
            new Shape(new int[] {1, 6}, new Spec(2, true, false, 1)),
            new Shape(new int[] {3, 2, 2}, new Spec(2, true, false, 0)),
            new Shape(new int[] {2, 2, 1, 3}, new Spec(3, false, true, -1)));

    /** Shapes checked with a fused ReLU: with and without bias, transposed, fc6-like. */
    public static final List<Shape> FUSED = List.of(AWKWARD.get(0), AWKWARD.get(1), AWKWARD.get(3), AWKWARD.get(7),
            AWKWARD.get(10), AWKWARD.get(12));

    public static final List<Shape> FUSED_GRADIENT = List.of(GRADIENT.get(0), GRADIENT.get(1), GRADIENT.get(2));

    /** The gradient check's inputs keep every pre-activation this far from the fused ReLU's kink (twice the step). */
    static final double KINK_MARGIN = 2 * GradientCheck.DEFAULT_STEP;

    private InnerProductCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("InnerProduct", "(L+2)*2^-24*sum|terms|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                int[] bottom = Arrays.copyOf(new int[] {1 + r.nextInt(70), 1 + r.nextInt(20), 1 + r.nextInt(8), 1 + r.nextInt(8)},
                        1 + r.nextInt(4));
                int axis = r.nextInt(2 * bottom.length) - bottom.length;
                Shape s = new Shape(bottom, new Spec(1 + r.nextInt(100), r.nextBoolean(), r.nextBoolean(), axis));
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("InnerProduct gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (Shape s : effort.gradient(GRADIENT)) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    /** InnerProduct with the ReLU fused into it (see {@link org.graft.layers.ReluFusable}). */
    public static SelfTestCase fusedRelu() {
        return SelfTestCase.of("InnerProduct+ReLU", "(L+2)*2^-24*sum|terms|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(FUSED)) {
                t.run(s.toString(), () -> check(e, s, true, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase fusedReluGradient() {
        return SelfTestCase.of("InnerProduct+ReLU gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (Shape s : effort.gradient(FUSED_GRADIENT)) {
                t.run(s.toString(), () -> fusedGradient(e, s, r.nextLong(), t));
            }
        });
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        check(e, s, false, seed, t);
    }

    /**
     * Forward, then backward onto non-zero parameter diffs, which must be added to. With {@code relu} the layer
     * computes the ReLU after it: the output is the reference's through max(v, 0), the top diff is masked in
     * place by (top &gt; 0), the layer's own output deciding the mask, and the gradients follow that diff.
     */
    public static void check(Engine e, Shape s, boolean relu, long seed, Tally t) {
        Random r = new Random(seed);
        int[] shape = s.bottom();
        Spec spec = s.spec();
        boolean bias = spec.biasTerm();
        boolean tr = spec.transpose();
        InnerProductLayer layer = new InnerProductLayer("fc", spec);
        layer.fuseRelu(relu);
        try (LayerRig rig = LayerRig.of(e, layer, shape)) {
            int a = spec.axis() < 0 ? spec.axis() + shape.length : spec.axis();
            int m = Blob.count(Arrays.copyOf(shape, a));
            int k = Blob.count(shape) / m;
            int n = spec.numOutput();
            float[] xs = RandomData.uniform(r, m * k, -1, 1);
            float[] ws = RandomData.uniform(r, n * k, -1, 1);
            float[] bs = bias ? RandomData.uniform(r, n, -1, 1) : null;
            float[] dys = RandomData.uniform(r, m * n, -1, 1);
            float[] dwPrior = RandomData.uniform(r, n * k, -1, 1);
            float[] dbPrior = bias ? RandomData.uniform(r, n, -1, 1) : null;
            rig.bottom(0).upload(xs);
            rig.param(0).upload(ws);
            rig.param(0).uploadDiff(dwPrior);
            if (bias) {
                rig.param(1).upload(bs);
                rig.param(1).uploadDiff(dbPrior);
            }
            rig.forward(Pass.train(0, 1));
            float[] top = rig.top(0).download();
            float[] expectedTop = InnerProductReference.forward(xs, ws, bs, m, n, k, tr);
            if (relu) {
                expectedTop = ReLUReference.forward(expectedTop, 0f);
            }
            t.compare(relu ? "inner product + ReLU forward" : "inner product forward", top, expectedTop,
                    tol(k, InnerProductReference.forward(RandomData.abs(xs), RandomData.abs(ws), RandomData.abs(bs), m, n, k, tr)), 0);
            rig.top(0).uploadDiff(dys);
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            if (relu) {
                dys = ReLUReference.backward(top, dys, 0f); // top > 0 exactly where its input was
                t.compare("top diff masked in place by the ReLU", rig.top(0).downloadDiff(), dys, 0, 0);
            }
            t.compare("inner product bottom diff", rig.bottom(0).downloadDiff(), InnerProductReference.bottomGrad(dys, ws, m, n, k, tr),
                    tol(n, InnerProductReference.bottomGrad(RandomData.abs(dys), RandomData.abs(ws), m, n, k, tr)), 0);
            float[] dw = dwPrior.clone();
            InnerProductReference.accumulateWeightGrad(xs, dys, dw, m, n, k, tr);
            float[] dwAbs = RandomData.abs(dwPrior);
            InnerProductReference.accumulateWeightGrad(RandomData.abs(xs), RandomData.abs(dys), dwAbs, m, n, k, tr);
            t.compare("inner product weight diff (accumulated)", rig.param(0).downloadDiff(), dw, tol(m, dwAbs), 0);
            if (bias) {
                float[] db = dbPrior.clone();
                InnerProductReference.accumulateBiasGrad(dys, db, m, n);
                float[] dbAbs = RandomData.abs(dbPrior);
                InnerProductReference.accumulateBiasGrad(RandomData.abs(dys), dbAbs, m, n);
                t.compare("inner product bias diff (accumulated)", rig.param(1).downloadDiff(), db, tol(m, dbAbs), 0);
            }
        }
    }

    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new InnerProductLayer("fc", s.spec()), s.bottom())) {
            rig.bottom(0).upload(RandomData.uniform(r, rig.bottom(0).count(), -1, 1));
            for (int p = 0; p < rig.layer().params().size(); p++) {
                rig.param(p).upload(RandomData.uniform(r, rig.param(p).count(), -1, 1));
            }
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }

    /**
     * The finite-difference check with the ReLU fused: values in [-1, 1], drawn again until every pre-activation
     * lies at least {@link #KINK_MARGIN} from 0, so that no ±h step of one value (which moves an output by at most
     * h) crosses the kink.
     */
    public static void fusedGradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        Spec spec = s.spec();
        InnerProductLayer layer = new InnerProductLayer("fc", spec);
        layer.fuseRelu(true);
        try (LayerRig rig = LayerRig.of(e, layer, s.bottom())) {
            int[] shape = s.bottom();
            int a = spec.axis() < 0 ? spec.axis() + shape.length : spec.axis();
            int m = Blob.count(Arrays.copyOf(shape, a));
            int k = Blob.count(shape) / m;
            int n = spec.numOutput();
            for (int attempt = 0; ; attempt++) {
                float[] xs = RandomData.uniform(r, m * k, -1, 1);
                float[] ws = RandomData.uniform(r, n * k, -1, 1);
                float[] bs = spec.biasTerm() ? RandomData.uniform(r, n, -1, 1) : null;
                boolean clear = true;
                for (float v : InnerProductReference.forward(xs, ws, bs, m, n, k, spec.transpose())) {
                    clear &= Math.abs(v) >= KINK_MARGIN;
                }
                if (!clear && attempt < 1000) {
                    continue;
                }
                t.require(clear, "no data with every pre-activation " + KINK_MARGIN + " away from 0 in 1000 draws");
                rig.bottom(0).upload(xs);
                rig.param(0).upload(ws);
                if (bs != null) {
                    rig.param(1).upload(bs);
                }
                break;
            }
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }

    /** (L+2)*2^-24 times the largest Σ|terms|. */
    public static double tol(int sumLength, float[] absSums) {
        double s = 0;
        for (float v : absSums) {
            s = Math.max(s, v);
        }
        return (sumLength + 2) * U * s + 1e-30;
    }
}
