package org.graft.ops.concat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.layers.Axes;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link ConcatLayer} against {@link ConcatReference} (one bottom to GoogLeNet's four branches, axis 0,
 * negative axes, rank 2 and 5, parts of size 1), and its gradient check. Tolerance: exact, both passes
 * only copy.
 */
public final class ConcatCase {
    public record Shape(List<int[]> bottoms, int axis) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (int[] b : bottoms) {
                sb.append(sb.length() == 0 ? "" : " + ").append(RandomData.shape(b));
            }
            return sb + " axis " + axis;
        }
    }

    private static Shape shape(int axis, int[]... bottoms) {
        return new Shape(List.of(bottoms), axis);
    }

    public static final List<Shape> AWKWARD = List.of(
            shape(1, new int[] {1, 64, 7, 7}, new int[] {1, 128, 7, 7}, new int[] {1, 32, 7, 7}, new int[] {1, 32, 7, 7}),
            shape(1, new int[] {1, 3, 5, 7}),
            shape(0, new int[] {1, 3, 2, 2}, new int[] {2, 3, 2, 2}, new int[] {3, 3, 2, 2}),
            shape(-1, new int[] {2, 3, 4, 5}, new int[] {2, 3, 4, 1}),
            shape(1, new int[] {5, 3}, new int[] {5, 1}, new int[] {5, 9}),
            shape(-2, new int[] {2, 3, 2, 3, 4}, new int[] {2, 3, 2, 1, 4}),
            shape(-4, new int[] {3, 1, 1, 1}, new int[] {3, 1, 1, 1}),
            shape(3, new int[] {2, 5, 1, 1}, new int[] {2, 5, 1, 2}));

    private ConcatCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Concat", "exact", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = random(r);
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Concat gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (Shape s : effort.gradient(List.of(
                    shape(1, new int[] {2, 3, 2, 3}, new int[] {2, 2, 2, 3}),
                    shape(-1, new int[] {2, 3, 2}, new int[] {2, 3, 1}, new int[] {2, 3, 3})))) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    private static Shape random(Random r) {
        int rank = 1 + r.nextInt(5);
        int[] base = new int[rank];
        for (int d = 0; d < rank; d++) {
            base[d] = 1 + r.nextInt(6);
        }
        int axis = r.nextInt(rank) - (r.nextBoolean() ? rank : 0);
        int a = axis < 0 ? axis + rank : axis;
        List<int[]> bottoms = new ArrayList<>();
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
            int[] b = base.clone();
            b[a] = 1 + r.nextInt(7);
            bottoms.add(b);
        }
        return new Shape(bottoms, axis);
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        int[] first = s.bottoms().get(0);
        int a = s.axis() < 0 ? s.axis() + first.length : s.axis();
        int outer = (int) Axes.count(first, 0, a);
        int inner = (int) Axes.count(first, a + 1, first.length);
        int[] sizes = s.bottoms().stream().mapToInt(b -> b[a]).toArray();
        try (LayerRig rig = LayerRig.of(e, new ConcatLayer("concat", new ConcatLayer.Spec(s.axis())), s.bottoms().toArray(int[][]::new))) {
            List<float[]> xs = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                xs.add(RandomData.uniform(r, rig.bottom(i).count(), -1, 1));
                rig.bottom(i).upload(xs.get(i));
            }
            rig.forward(Pass.train(0, 1));
            t.compare("concat forward", rig.top(0).download(), ConcatReference.join(xs, sizes, outer, inner), 0, 0);
            float[] dy = RandomData.uniform(r, rig.top(0).count(), -1, 1);
            rig.top(0).uploadDiff(dy);
            boolean[] down = new boolean[sizes.length];
            for (int i = 0; i < down.length; i++) {
                down[i] = i == 0 || r.nextBoolean();
                rig.bottom(i).zeroDiff();
            }
            rig.backward(down, Pass.train(0, 1));
            List<float[]> dx = ConcatReference.split(dy, sizes, outer, inner);
            for (int i = 0; i < down.length; i++) {
                float[] expected = down[i] ? dx.get(i) : new float[dx.get(i).length];
                t.compare("concat backward bottom " + i + (down[i] ? "" : " (not propagated: untouched)"),
                        rig.bottom(i).downloadDiff(), expected, 0, 0);
            }
        }
    }

    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new ConcatLayer("concat", new ConcatLayer.Spec(s.axis())), s.bottoms().toArray(int[][]::new))) {
            boolean[] all = new boolean[s.bottoms().size()];
            Arrays.fill(all, true);
            for (int i = 0; i < all.length; i++) {
                rig.bottom(i).upload(RandomData.uniform(r, rig.bottom(i).count(), -1, 1));
            }
            t.gradient(rig.gradient(new GradientCheck(), all, Pass.train(0, 1)));
        }
    }
}
