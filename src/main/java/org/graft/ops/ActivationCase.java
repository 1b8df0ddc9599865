package org.graft.ops;

import java.util.List;
import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.graft.engine.Engine;
import org.graft.layers.ActivationLayer;
import org.graft.layers.Pass;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * The checks of an {@link ActivationLayer} (in place or not) against its plain-Java reference, and its
 * gradient check; each activation's case names its layer and reference functions.
 * Inputs span ±8 with every 16th value at ±20..±100, where a naive exponential form would overflow.
 * Tolerances: forward is one library function (exp, tanh: ≤ 5 ulp) and a few float operations against
 * double: 1e-7 + 1e-5·|ref|. Backward is compared on the top data the kernel wrote (the layer's only
 * input, as in Caffe): a couple of float multiplies and a subtract, whose cancellation near saturation
 * makes the rounding of y an absolute error: 1e-7 + 1e-6·|ref|.
 */
public final class ActivationCase {
    static final double FWD_ABS = 1e-7;
    static final double FWD_REL = 1e-5;
    static final double BWD_ABS = 1e-7;
    static final double BWD_REL = 1e-6;

    record Shape(int[] shape, boolean inPlace) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + (inPlace ? " in place" : "");
        }
    }

    static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {5, 13, 9, 11}, true),
            new Shape(new int[] {1, 1, 1, 1}, false),
            new Shape(new int[] {2, 1, 1, 1023}, false),
            new Shape(new int[] {1, 3, 5, 7}, true),
            new Shape(new int[] {3, 7, 1, 1}, false),
            new Shape(new int[] {2, 96, 27, 27}, true));

    private final String type;
    private final Function<String, ActivationLayer> layer;
    private final UnaryOperator<float[]> forward;
    private final BinaryOperator<float[]> backward;

    /**
     * @param forward  the reference y = f(x)
     * @param backward the reference dx from (y, dy)
     */
    public ActivationCase(String type, Function<String, ActivationLayer> layer, UnaryOperator<float[]> forward,
                          BinaryOperator<float[]> backward) {
        this.type = type;
        this.layer = layer;
        this.forward = forward;
        this.backward = backward;
    }

    public SelfTestCase reference() {
        return SelfTestCase.of(type, "fwd 1e-7 + 1e-5*|ref|; bwd 1e-7 + 1e-6*|ref|", (e, effort, r, t) -> {
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

    public SelfTestCase gradient() {
        return SelfTestCase.of(type + " gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (int[] shape : effort.gradient(List.of(new int[] {2, 3, 4, 5}, new int[] {1, 1, 3, 7}))) {
                t.run(RandomData.shape(shape), () -> gradient(e, shape, r.nextLong(), t));
            }
        });
    }

    /** Uniform in ±8, with every 16th value pushed out to ±20..±100 (saturation, and overflow of naive forms). */
    static float[] inputs(Random r, int n) {
        float[] x = RandomData.uniform(r, n, -8, 8);
        for (int i = r.nextInt(16); i < n; i += 16) {
            x[i] = (r.nextBoolean() ? 1 : -1) * (20 + 80 * r.nextFloat());
        }
        return x;
    }

    private void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        ActivationLayer l = layer.apply(type.toLowerCase(java.util.Locale.ROOT));
        try (LayerRig rig = s.inPlace() ? LayerRig.inPlace(e, l, s.shape()) : LayerRig.of(e, l, s.shape())) {
            float[] x = inputs(r, rig.bottom(0).count());
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.train(0, 1));
            float[] y = rig.top(0).download();
            t.compare(type + " forward", y, forward.apply(x), FWD_ABS, FWD_REL);
            rig.top(0).uploadDiff(dy);
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            t.compare(type + " backward", rig.bottom(0).downloadDiff(), backward.apply(y, dy), BWD_ABS, BWD_REL);
        }
    }

    /** Inputs in ±4, where the function is not flat, so the finite differences are meaningful. */
    private void gradient(Engine e, int[] shape, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, layer.apply(type.toLowerCase(java.util.Locale.ROOT)), shape)) {
            rig.bottom(0).upload(RandomData.uniform(r, rig.bottom(0).count(), -4, 4));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }
}
