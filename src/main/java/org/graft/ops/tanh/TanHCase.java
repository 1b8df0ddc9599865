package org.graft.ops.tanh;

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
 * {@link TanHLayer} (in place or not) against {@link TanHReference}, and its gradient check.
 * Inputs span ±8 with some at ±20..±100, where e^2x would overflow a naive form.
 * Tolerances: forward is OpenCL's tanh (≤ 5 ulp) against double: 1e-7 + 1e-5·|ref|. Backward is compared
 * on the top data the kernel wrote (the layer's only input, as in Caffe); 1 − y² cancels near |y| = 1,
 * so the rounding of y² (≤ 6e-8) is an absolute error: 1e-7 + 1e-6·|ref|.
 */
public final class TanHCase {
    public static final double FWD_ABS = 1e-7;
    public static final double FWD_REL = 1e-5;
    public static final double BWD_ABS = 1e-7;
    public static final double BWD_REL = 1e-6;

    public record Shape(int[] shape, boolean inPlace) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + (inPlace ? " in place" : "");
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {5, 13, 9, 11}, true),
            new Shape(new int[] {1, 1, 1, 1}, false),
            new Shape(new int[] {2, 1, 1, 1023}, false),
            new Shape(new int[] {1, 3, 5, 7}, true),
            new Shape(new int[] {3, 7, 1, 1}, false),
            new Shape(new int[] {2, 96, 27, 27}, true));

    private TanHCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("TanH", "fwd 1e-7 + 1e-5*|ref|; bwd 1e-7 + 1e-6*|ref|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = new Shape(new int[] {1 + r.nextInt(4), 1 + r.nextInt(20), 1 + r.nextInt(30), 1 + r.nextInt(30)},
                        r.nextBoolean());
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("TanH gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (int[] shape : effort.gradient(List.of(new int[] {2, 3, 4, 5}, new int[] {1, 1, 3, 7}))) {
                t.run(RandomData.shape(shape), () -> gradient(e, shape, r.nextLong(), t));
            }
        });
    }

    /** Uniform in ±8, with every 16th value pushed out to ±20..±100 (saturation, and overflow of e^2|x|). */
    static float[] inputs(Random r, int n) {
        float[] x = RandomData.uniform(r, n, -8, 8);
        for (int i = r.nextInt(16); i < n; i += 16) {
            x[i] = (r.nextBoolean() ? 1 : -1) * (20 + 80 * r.nextFloat());
        }
        return x;
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        TanHLayer layer = new TanHLayer("tanh");
        try (LayerRig rig = s.inPlace() ? LayerRig.inPlace(e, layer, s.shape()) : LayerRig.of(e, layer, s.shape())) {
            float[] x = inputs(r, rig.bottom(0).count());
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.train(0, 1));
            float[] y = rig.top(0).download();
            t.compare("tanh forward", y, TanHReference.forward(x), FWD_ABS, FWD_REL);
            rig.top(0).uploadDiff(dy);
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            t.compare("tanh backward", rig.bottom(0).downloadDiff(), TanHReference.backward(y, dy), BWD_ABS, BWD_REL);
        }
    }

    /** Inputs in ±4, where the function is not flat, so the finite differences are meaningful. */
    public static void gradient(Engine e, int[] shape, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new TanHLayer("tanh"), shape)) {
            rig.bottom(0).upload(RandomData.uniform(r, rig.bottom(0).count(), -4, 4));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }
}
