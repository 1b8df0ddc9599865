package org.graft.ops.relu;

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
 * {@link ReLULayer} (plain and leaky, in place or not) against {@link ReLUReference}, and its gradient
 * check. Tolerance: 0, since forward and backward are a compare
 * and at most one float multiply, done identically.
 */
public final class ReLUCase {
    public record Shape(int[] shape, float slope, boolean inPlace) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + " slope " + slope + (inPlace ? " in place" : "");
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {5, 13, 9, 11}, 0.01f, true),
            new Shape(new int[] {2, 1, 1, 1023}, 0.5f, false),
            new Shape(new int[] {1, 1, 1, 1}, 0, false),
            new Shape(new int[] {1, 3, 5, 7}, 0, true),
            new Shape(new int[] {2, 96, 55, 55}, 0, true),
            new Shape(new int[] {3, 7, 1, 1}, 0.1f, false),
            new Shape(new int[] {3, 7, 1, 1}, 0.1f, true));

    private ReLUCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("ReLU", "exact", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = new Shape(new int[] {1 + r.nextInt(4), 1 + r.nextInt(20), 1 + r.nextInt(30), 1 + r.nextInt(30)},
                        r.nextBoolean() ? 0f : r.nextFloat(), r.nextBoolean());
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("ReLU gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (float slope : effort.gradient(List.of(0f, 0.2f, -0.3f))) {
                t.run("2x3x4x5 slope " + slope, () -> gradient(e, slope, r.nextLong(), t));
            }
        });
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        ReLULayer layer = new ReLULayer("relu", new ReLULayer.Spec(s.slope()));
        try (LayerRig rig = s.inPlace() ? LayerRig.inPlace(e, layer, s.shape()) : LayerRig.of(e, layer, s.shape())) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -1, 1);
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.train(0, 1));
            t.compare("relu forward", rig.top(0).download(), ReLUReference.forward(x, s.slope()), 0, 0);
            rig.top(0).uploadDiff(dy);
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            t.compare("relu backward", rig.bottom(0).downloadDiff(), ReLUReference.backward(x, dy, s.slope()), 0, 0);
        }
    }

    /** Inputs at least 0.05 from the kink at 0, so the ±0.01 step cannot cross it. */
    public static void gradient(Engine e, float slope, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new ReLULayer("relu", new ReLULayer.Spec(slope)), new int[] {2, 3, 4, 5})) {
            float[] x = RandomData.distinct(r, rig.bottom(0).count(), 0.1f);
            for (int i = 0; i < x.length; i++) {
                if (Math.abs(x[i]) < 0.05f) {
                    x[i] = 0.05f;
                }
            }
            rig.bottom(0).upload(x);
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }
}
