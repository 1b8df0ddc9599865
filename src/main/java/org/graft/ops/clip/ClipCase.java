package org.graft.ops.clip;

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
 * {@link ClipLayer} (ReLU6, min = max, negative ranges; in place or not) against {@link ClipReference}, inputs
 * including values exactly at min and max (where the gradient passes), and its gradient check. Forward and
 * backward only select values, so both are compared bit for bit.
 */
public final class ClipCase {
    public record Shape(int[] shape, float min, float max, boolean inPlace) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + " [" + min + ", " + max + "]" + (inPlace ? " in place" : "");
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {2, 5, 7, 3}, 0f, 6f, true),
            new Shape(new int[] {1, 1, 1, 1}, 0f, 6f, false),
            new Shape(new int[] {1, 1023}, -1f, 1f, true),
            new Shape(new int[] {3, 7, 1, 1}, 0.5f, 0.5f, false),
            new Shape(new int[] {1, 3, 5, 7}, -3f, -1f, true),
            new Shape(new int[] {2, 64, 27, 27}, 0f, 6f, true));

    private ClipCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Clip", "bit-identical", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                float a = -4 + 8 * r.nextFloat();
                float b = -4 + 8 * r.nextFloat();
                Shape s = new Shape(new int[] {1 + r.nextInt(4), 1 + r.nextInt(20), 1 + r.nextInt(30), 1 + r.nextInt(30)},
                        Math.min(a, b), Math.max(a, b), r.nextBoolean());
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Clip gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            List<Shape> shapes = List.of(new Shape(new int[] {2, 3, 4, 5}, 0f, 6f, false), new Shape(new int[] {1, 7}, -1f, 0.5f, false));
            for (Shape s : effort.gradient(shapes)) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        ClipLayer layer = new ClipLayer("clip", new ClipLayer.Spec(s.min(), s.max()));
        try (LayerRig rig = s.inPlace() ? LayerRig.inPlace(e, layer, s.shape()) : LayerRig.of(e, layer, s.shape())) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), s.min() - 3, s.max() + 3);
            for (int i = 0; i < x.length; i += 5) {
                x[i] = i % 10 == 0 ? s.min() : s.max();
            }
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.train(0, 1));
            t.identical("clip forward", rig.top(0).download(), ClipReference.forward(x, s.min(), s.max()));
            rig.top(0).uploadDiff(dy);
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            t.identical("clip backward", rig.bottom(0).downloadDiff(), ClipReference.backward(x, dy, s.min(), s.max()));
        }
    }

    /** Inputs at least 0.05 from min and max, so the ±0.01 step cannot cross either. */
    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new ClipLayer("clip", new ClipLayer.Spec(s.min(), s.max())), s.shape())) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), s.min() - 2, s.max() + 2);
            for (int i = 0; i < x.length; i++) {
                if (Math.abs(x[i] - s.min()) < 0.05f || Math.abs(x[i] - s.max()) < 0.05f) {
                    x[i] = (s.min() + s.max()) / 2;
                }
            }
            rig.bottom(0).upload(x);
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }
}
