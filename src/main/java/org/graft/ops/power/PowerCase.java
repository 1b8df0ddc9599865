package org.graft.ops.power;

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
 * {@link PowerLayer} in each of Caffe's branches (constant top, power 1, power 2, shift 0, general; integer and
 * non-integer, negative powers; in place or not) against {@link PowerReference}, and its gradient check. Inputs
 * keep the base shift + scale·x at least 0.2 from 0 (positive for non-integer powers), so the float rounding
 * of the base (≤ 2 ulp of |scale·x| + |shift| ≤ 4) is amplified by at most |power|·4/0.2; with OpenCL's pow
 * (≤ 16 ulp) that bounds the relative error near 1e-5: fwd and bwd 1e-6 + 3e-5·|ref|.
 */
public final class PowerCase {
    public record Shape(int[] shape, PowerLayer.Spec spec, boolean inPlace) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + " power " + spec.power() + " scale " + spec.scale() + " shift " + spec.shift()
                    + (inPlace ? " in place" : "");
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {2, 5, 7, 3}, PowerLayer.Spec.DEFAULT, true),
            new Shape(new int[] {1, 1, 1, 1}, new PowerLayer.Spec(1f, -0.5f, 2f), false),
            new Shape(new int[] {3, 7, 1, 1}, new PowerLayer.Spec(0f, 2f, 3f), true),
            new Shape(new int[] {1, 3, 5, 7}, new PowerLayer.Spec(2.5f, 0f, 3f), false),
            new Shape(new int[] {1, 1023}, new PowerLayer.Spec(2f, 1.5f, 0.5f), true),
            new Shape(new int[] {2, 3, 4, 5}, new PowerLayer.Spec(2f, -1f, 0f), false),
            new Shape(new int[] {2, 13, 9, 11}, new PowerLayer.Spec(3f, 0.7f, 0f), true),
            new Shape(new int[] {2, 4, 6, 6}, new PowerLayer.Spec(0.5f, 2f, 0f), false),
            new Shape(new int[] {1, 9, 5, 5}, new PowerLayer.Spec(-1f, 1f, 1f), true),
            new Shape(new int[] {2, 64, 27, 27}, new PowerLayer.Spec(1.7f, 0.5f, 1f), true),
            new Shape(new int[] {2, 3, 3, 3}, new PowerLayer.Spec(-0.5f, 3f, -1f), false));

    private PowerCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Power", "fwd, bwd 1e-6 + 3e-5*|ref|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            float[] powers = {0f, 1f, 2f, 3f, -1f, 0.5f, 1.5f, -2.5f};
            for (int i = 0; i < effort.randomShapes(); i++) {
                PowerLayer.Spec spec = new PowerLayer.Spec(powers[r.nextInt(powers.length)],
                        r.nextInt(5) == 0 ? 0f : -2 + 4 * r.nextFloat(), r.nextBoolean() ? 0f : -1 + 2 * r.nextFloat());
                Shape s = new Shape(new int[] {1 + r.nextInt(4), 1 + r.nextInt(20), 1 + r.nextInt(30), 1 + r.nextInt(30)}, spec,
                        r.nextBoolean());
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Power gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            List<PowerLayer.Spec> specs = List.of(new PowerLayer.Spec(2f, 1.5f, 0.5f), new PowerLayer.Spec(3f, 0.7f, 0f),
                    new PowerLayer.Spec(1.7f, 0.5f, 1f), new PowerLayer.Spec(-1f, 1f, 1f), new PowerLayer.Spec(1f, -0.5f, 2f),
                    new PowerLayer.Spec(0.5f, 2f, 0f));
            for (PowerLayer.Spec s : effort.gradient(specs)) {
                Shape shape = new Shape(new int[] {2, 3, 4, 5}, s, false);
                t.run(shape.toString(), () -> gradient(e, shape, r.nextLong(), t));
            }
        });
    }

    /** x with the base shift + scale·x in ±[0.2, 2] (only positive for a non-integer power); any x for scale 0. */
    static float[] inputs(Random r, int n, PowerLayer.Spec s) {
        boolean integer = s.power() == Math.rint(s.power());
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            float base = (0.2f + 1.8f * r.nextFloat()) * (integer && r.nextBoolean() ? -1 : 1);
            x[i] = s.scale() == 0f ? -2 + 4 * r.nextFloat() : (base - s.shift()) / s.scale();
        }
        return x;
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        PowerLayer layer = new PowerLayer("power", s.spec());
        try (LayerRig rig = s.inPlace() ? LayerRig.inPlace(e, layer, s.shape()) : LayerRig.of(e, layer, s.shape())) {
            float[] x = inputs(r, rig.bottom(0).count(), s.spec());
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.train(0, 1));
            float[] y = rig.top(0).download();
            t.compare("power forward", y, PowerReference.forward(x, s.spec()), 1e-6, 3e-5);
            rig.top(0).uploadDiff(dy);
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            t.compare("power backward", rig.bottom(0).downloadDiff(), PowerReference.backward(x, y, dy, s.spec()), 1e-6, 3e-5);
        }
    }

    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new PowerLayer("power", s.spec()), s.shape())) {
            rig.bottom(0).upload(inputs(r, rig.bottom(0).count(), s.spec()));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }
}
