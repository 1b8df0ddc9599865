package org.graft.ops.slice;

import java.util.ArrayList;
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
 * {@link SliceLayer} against {@link SliceReference} (equal parts and slice points, slices of size 1, the
 * last one at the far edge, one top, axis 0, negative axes, rank 2 and 5), and its gradient check.
 * Tolerance: exact, both passes only copy.
 */
public final class SliceCase {
    public record Shape(int[] bottom, int axis, List<Integer> points, int tops) {
        @Override
        public String toString() {
            return RandomData.shape(bottom) + " axis " + axis + (points.isEmpty() ? " in " + tops + " equal parts" : " at " + points);
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {2, 6, 3, 3}, 1, List.of(), 3),
            new Shape(new int[] {1, 5, 4, 4}, 1, List.of(1, 2, 4), 4),
            new Shape(new int[] {6, 2, 2}, 0, List.of(1, 5), 3),
            new Shape(new int[] {2, 3, 4, 7}, -1, List.of(6), 2),
            new Shape(new int[] {4, 9}, 1, List.of(), 3),
            new Shape(new int[] {2, 3, 4, 2, 3}, -3, List.of(1, 3), 3),
            new Shape(new int[] {3, 4, 5}, 1, List.of(), 1),
            new Shape(new int[] {2, 4, 1, 1}, -3, List.of(), 4));

    private SliceCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Slice", "exact", (e, effort, r, t) -> {
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
        return SelfTestCase.of("Slice gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (Shape s : effort.gradient(List.of(
                    new Shape(new int[] {2, 5, 3, 2}, 1, List.of(2, 3), 3),
                    new Shape(new int[] {2, 3, 4}, -1, List.of(), 2)))) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    private static Shape random(Random r) {
        int rank = 1 + r.nextInt(5);
        int[] bottom = new int[rank];
        for (int d = 0; d < rank; d++) {
            bottom[d] = 1 + r.nextInt(6);
        }
        int axis = r.nextInt(rank) - (r.nextBoolean() ? rank : 0);
        int a = axis < 0 ? axis + rank : axis;
        bottom[a] = 1 + r.nextInt(12);
        List<Integer> points = new ArrayList<>();
        if (r.nextBoolean()) {
            for (int p = 1; p < bottom[a]; p++) {
                if (r.nextInt(3) == 0) {
                    points.add(p);
                }
            }
            return new Shape(bottom, axis, points, points.size() + 1);
        }
        List<Integer> divisors = new ArrayList<>();
        for (int k = 1; k <= bottom[a]; k++) {
            if (bottom[a] % k == 0) {
                divisors.add(k);
            }
        }
        return new Shape(bottom, axis, points, divisors.get(r.nextInt(divisors.size())));
    }

    private static SliceLayer layer(Shape s) {
        return new SliceLayer("slice", new SliceLayer.Spec(s.axis(), s.points()), s.tops());
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        int a = s.axis() < 0 ? s.axis() + s.bottom().length : s.axis();
        int outer = (int) Axes.count(s.bottom(), 0, a);
        int inner = (int) Axes.count(s.bottom(), a + 1, s.bottom().length);
        int[] sizes = SliceReference.sizes(s.bottom()[a], s.points(), s.tops());
        try (LayerRig rig = LayerRig.of(e, layer(s), s.bottom())) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.train(0, 1));
            List<float[]> expected = SliceReference.forward(x, sizes, outer, inner);
            List<float[]> dy = new ArrayList<>();
            for (int i = 0; i < s.tops(); i++) {
                t.compare("slice forward top " + i, rig.top(i).download(), expected.get(i), 0, 0);
                dy.add(RandomData.uniform(r, rig.top(i).count(), -1, 1));
                rig.top(i).uploadDiff(dy.get(i));
            }
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            t.compare("slice backward", rig.bottom(0).downloadDiff(), SliceReference.backward(dy, sizes, outer, inner), 0, 0);
        }
    }

    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, layer(s), s.bottom())) {
            rig.bottom(0).upload(RandomData.uniform(r, rig.bottom(0).count(), -1, 1));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }
}
