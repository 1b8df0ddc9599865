package org.graft.ops.prelu;

import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link PReLULayer} (per channel and channel_shared, in place or not, 2 to 5 axes) against {@link PReLUReference},
 * and its gradient check for the bottom and the slopes. Tolerances: forward and the bottom gradient are one
 * multiply(-add) against double: 1e-7 + 1e-6·|ref|. The slope gradient sums up to ~10⁵ terms in float: a strided
 * share of m ≤ ~1500 terms per work-item (partial sums ≤ Σ|terms|/64 on average), then a 6-level tree; random
 * rounding grows like √m·2⁻²⁴ of the partial sums, ≈ 5e-8·Σ|terms|, so it is compared to 1e-6·Σ|dy·x| of that
 * slope (absolute) + 1e-5·|ref|, room for a run of same-signed roundings.
 */
public final class PReLUCase {
    public record Shape(int[] shape, boolean shared, boolean inPlace) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + (shared ? " channel_shared" : "") + (inPlace ? " in place" : "");
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {2, 5, 7, 3}, false, false),
            new Shape(new int[] {1, 1, 1, 1}, false, true),
            new Shape(new int[] {3, 7}, false, false),
            new Shape(new int[] {1, 3, 5, 7}, true, true),
            new Shape(new int[] {2, 3, 2, 3, 4}, false, true),
            new Shape(new int[] {1, 1023, 1, 1}, false, false),
            new Shape(new int[] {2, 64, 27, 27}, false, true),
            new Shape(new int[] {2, 64, 27, 27}, true, false));

    private PReLUCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("PReLU", "fwd, bwd 1e-7 + 1e-6*|ref|; slopes 1e-6*sum|dy*x| + 1e-5*|ref|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = new Shape(new int[] {1 + r.nextInt(4), 1 + r.nextInt(20), 1 + r.nextInt(30), 1 + r.nextInt(30)},
                        r.nextBoolean(), r.nextBoolean());
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("PReLU gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            List<Shape> shapes = List.of(new Shape(new int[] {2, 3, 4, 5}, false, false), new Shape(new int[] {2, 3, 4, 5}, true, false),
                    new Shape(new int[] {1, 4, 3}, false, false));
            for (Shape s : effort.gradient(shapes)) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    private static LayerRig rig(Engine e, Shape s) {
        PReLULayer layer = new PReLULayer("prelu", new PReLULayer.Spec(null, s.shared()));
        return s.inPlace() ? LayerRig.inPlace(e, layer, s.shape()) : LayerRig.of(e, layer, s.shape());
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = rig(e, s)) {
            int channels = s.shape()[1];
            int dim = rig.bottom(0).count(2);
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -3, 3);
            float[] slope = RandomData.uniform(r, rig.param(0).count(), -0.5f, 1f);
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            float[] dslope0 = RandomData.uniform(r, slope.length, -1, 1);
            rig.bottom(0).upload(x);
            rig.param(0).upload(slope);
            rig.param(0).uploadDiff(dslope0);
            rig.forward(Pass.train(0, 1));
            t.compare("prelu forward", rig.top(0).download(), PReLUReference.forward(x, channels, dim, slope, s.shared()), 1e-7, 1e-6);
            rig.top(0).uploadDiff(dy);
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            PReLUReference.Backward ref = PReLUReference.backward(x, dy, channels, dim, slope, s.shared());
            t.compare("prelu backward", rig.bottom(0).downloadDiff(), ref.dx(), 1e-7, 1e-6);
            // Parameter gradients accumulate onto what the diff held (the solver zeroes it per iteration).
            float[] dslope = rig.param(0).downloadDiff();
            double mag = 0;
            for (int c = 0; c < slope.length; c++) {
                dslope[c] -= dslope0[c];
                mag = Math.max(mag, ref.dslopeMagnitude()[c]);
            }
            t.compare("prelu slope gradient", dslope, ref.dslope(), 1e-6 * mag + 1e-6, 1e-5);
        }
    }

    /** Inputs at least 0.05 from the kink at 0, so the ±0.01 step cannot cross it. */
    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = rig(e, s)) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -3, 3);
            for (int i = 0; i < x.length; i++) {
                if (Math.abs(x[i]) < 0.05f) {
                    x[i] = 0.05f;
                }
            }
            rig.bottom(0).upload(x);
            rig.param(0).upload(RandomData.uniform(r, rig.param(0).count(), -0.5f, 1f));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }
}
