package org.graft.ops.softmax;

import java.util.Arrays;
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
 * {@link SoftmaxLayer} against {@link SoftmaxReference}, and its gradient check.
 * Tolerances: exp is accurate to 3 ulp and a float sum of ≤ 1000 positive terms
 * drifts ~1e-5 relative: forward 1e-8 + 3e-5*|ref|. Backward dx = y*(dy − dot) with a float dot of
 * ≤ 1000 terms: 1e-6 + 1e-4*|ref|.
 */
public final class SoftmaxCase {
    public static final double FWD_ABS = 1e-8;
    public static final double FWD_REL = 3e-5;
    public static final double BWD_ABS = 1e-6;
    public static final double BWD_REL = 1e-4;

    public record Shape(int[] shape, int axis, boolean inPlace) {
        public Shape(int[] shape, int axis) {
            this(shape, axis, false);
        }

        @Override
        public String toString() {
            return RandomData.shape(shape) + " axis " + axis + (inPlace ? " in place" : "");
        }

        int a() {
            return axis < 0 ? axis + shape.length : axis;
        }

        int outer() {
            return prod(shape, 0, a());
        }

        int channels() {
            return shape[a()];
        }

        int inner() {
            return prod(shape, a() + 1, shape.length);
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {3, 4, 5, 2}, -1),
            new Shape(new int[] {1, 1000}, 1),
            new Shape(new int[] {6, 13}, 0),
            new Shape(new int[] {5, 10}, 1),
            new Shape(new int[] {256, 7}, 1),
            new Shape(new int[] {4, 1}, 1),
            new Shape(new int[] {2, 7, 3, 5}, 1),
            new Shape(new int[] {1, 3, 1, 1}, 1),
            new Shape(new int[] {3, 4, 5, 2}, 2),
            new Shape(new int[] {3, 4, 5, 2}, 3),
            new Shape(new int[] {2, 11, 9, 9}, 1),
            // Contiguous rows of >= 32 channels take the one-work-group-per-position kernels.
            new Shape(new int[] {3, 100}, -1),
            new Shape(new int[] {2, 5, 300}, 2),
            new Shape(new int[] {4, 32}, 1),
            new Shape(new int[] {2, 1, 1, 4097}, 3),
            new Shape(new int[] {1, 1, 7, 1}, 0),
            new Shape(new int[] {9}, 0),
            new Shape(new int[] {3, 1, 4, 5}, 1),
            new Shape(new int[] {40, 3, 2}, 0),
            new Shape(new int[] {2, 1000}, 1, true),
            new Shape(new int[] {2, 7, 3, 5}, 1, true));

    public static final List<Shape> GRADIENT = List.of(
            new Shape(new int[] {2, 3, 2, 3}, 1),
            new Shape(new int[] {3, 5}, 1),
            new Shape(new int[] {2, 3, 4}, 2),
            new Shape(new int[] {1, 4}, 1),
            new Shape(new int[] {2, 40}, -1),
            new Shape(new int[] {3, 2, 2}, 0));

    private SoftmaxCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Softmax", "1e-8 + 3e-5*|ref| (bwd 1e-6 + 1e-4*|ref|)", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                int[] shape = {1 + r.nextInt(40), 1 + r.nextInt(200), 1 + r.nextInt(4), 1 + r.nextInt(4)};
                shape = Arrays.copyOf(shape, 2 + r.nextInt(3));
                Shape s = new Shape(shape, r.nextInt(2 * shape.length) - shape.length);
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Softmax gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (Shape s : effort.gradient(GRADIENT)) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    /** Logits in [-5, 5]. */
    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        SoftmaxLayer layer = new SoftmaxLayer("prob", new SoftmaxLayer.Spec(s.axis()));
        try (LayerRig rig = s.inPlace() ? LayerRig.inPlace(e, layer, s.shape()) : LayerRig.of(e, layer, s.shape())) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -5, 5);
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.test());
            float[] expected = SoftmaxReference.forward(x, s.outer(), s.channels(), s.inner());
            t.compare("softmax forward", rig.top(0).download(), expected, FWD_ABS, FWD_REL);
            rig.top(0).uploadDiff(dy);
            rig.backward(new boolean[] {true}, Pass.test());
            t.compare("softmax backward", rig.bottom(0).downloadDiff(),
                    SoftmaxReference.backward(expected, dy, s.outer(), s.channels(), s.inner()), BWD_ABS, BWD_REL);
        }
    }

    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new SoftmaxLayer("prob", new SoftmaxLayer.Spec(s.axis())), s.shape())) {
            rig.bottom(0).upload(RandomData.uniform(r, rig.bottom(0).count(), -2, 2));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.test()));
        }
    }

    public static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }
}
