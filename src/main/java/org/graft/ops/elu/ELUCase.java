package org.graft.ops.elu;

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
 * {@link ELULayer} (in place or not, several alphas) against {@link ELUReference}, and its gradient check.
 * Tolerances: forward is one expm1 (≤ 3 ulp in OpenCL) and a multiply against double: 1e-7 + 1e-5·|ref|;
 * backward is compared on the top data the kernel wrote, one add and multiply: 1e-7 + 1e-6·|ref|.
 */
public final class ELUCase {
    public record Shape(int[] shape, float alpha, boolean inPlace) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + " alpha " + alpha + (inPlace ? " in place" : "");
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {5, 13, 9, 11}, 1f, true),
            new Shape(new int[] {1, 1, 1, 1}, 1f, false),
            new Shape(new int[] {2, 1, 1, 1023}, 0.3f, false),
            new Shape(new int[] {1, 3, 5, 7}, 0f, true),
            new Shape(new int[] {3, 7, 1, 1}, -0.5f, false),
            new Shape(new int[] {2, 64, 27, 27}, 2.5f, true));

    private ELUCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("ELU", "fwd 1e-7 + 1e-5*|ref|; bwd 1e-7 + 1e-6*|ref|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = new Shape(new int[] {1 + r.nextInt(4), 1 + r.nextInt(20), 1 + r.nextInt(30), 1 + r.nextInt(30)},
                        2 * r.nextFloat(), r.nextBoolean());
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("ELU gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (float alpha : effort.gradient(List.of(1f, 0.4f, -0.3f))) {
                t.run("2x3x4x5 alpha " + alpha, () -> gradient(e, alpha, r.nextLong(), t));
            }
        });
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        ELULayer layer = new ELULayer("elu", new ELULayer.Spec(s.alpha()));
        try (LayerRig rig = s.inPlace() ? LayerRig.inPlace(e, layer, s.shape()) : LayerRig.of(e, layer, s.shape())) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -6, 3);
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.train(0, 1));
            float[] y = rig.top(0).download();
            t.compare("elu forward", y, ELUReference.forward(x, s.alpha()), 1e-7, 1e-5);
            rig.top(0).uploadDiff(dy);
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            t.compare("elu backward", rig.bottom(0).downloadDiff(), ELUReference.backward(x, y, dy, s.alpha()), 1e-7, 1e-6);
        }
    }

    /** Inputs at least 0.05 from the kink at 0, so the ±0.01 step cannot cross it. */
    public static void gradient(Engine e, float alpha, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new ELULayer("elu", new ELULayer.Spec(alpha)), new int[] {2, 3, 4, 5})) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -3, 3);
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
