package org.graft.ops.crop;

import java.util.ArrayList;
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
 * {@link CropLayer} against {@link CropReference} (no offset, one for all, one per axis, windows at the far
 * edge, nothing cropped, axis 0, negative axes, rank 2 and 5, batch 1, FCN's score crop), and its gradient
 * check (bottom[0] only: bottom[1] has none). Tolerance: exact, both passes only copy.
 */
public final class CropCase {
    public record Shape(int[] bottom, int[] reference, int axis, List<Integer> offsets) {
        @Override
        public String toString() {
            return RandomData.shape(bottom) + " to " + RandomData.shape(reference) + " axis " + axis + " offset " + offsets;
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {2, 3, 8, 8}, new int[] {1, 1, 5, 5}, 2, List.of()),
            new Shape(new int[] {2, 3, 8, 8}, new int[] {1, 1, 5, 5}, 2, List.of(3)),
            new Shape(new int[] {2, 4, 6, 6}, new int[] {9, 3, 6, 4}, 1, List.of(1, 0, 2)),
            new Shape(new int[] {3, 2, 4}, new int[] {1, 2, 2}, 0, List.of(2, 0, 1)),
            new Shape(new int[] {2, 3, 4, 7}, new int[] {2, 3, 4, 1}, -1, List.of(6)),
            new Shape(new int[] {5, 9}, new int[] {5, 4}, 1, List.of(5)),
            new Shape(new int[] {2, 3, 4, 5, 6}, new int[] {2, 3, 2, 5, 3}, 2, List.of(2, 0, 3)),
            new Shape(new int[] {1, 3, 4, 4}, new int[] {1, 3, 4, 4}, 2, List.of()),
            new Shape(new int[] {1, 21, 44, 44}, new int[] {1, 3, 32, 32}, -2, List.of(6)));

    private CropCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Crop", "exact", (e, effort, r, t) -> {
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
        return SelfTestCase.of("Crop gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (Shape s : effort.gradient(List.of(new Shape(new int[] {2, 3, 5, 5}, new int[] {2, 3, 3, 2}, 2, List.of(1, 2)),
                    new Shape(new int[] {3, 4}, new int[] {2, 2}, 0, List.of(1))))) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    /** A random bottom, cropped from a random axis with no offset, one, or one per axis (each fitting its axis). */
    private static Shape random(Random r) {
        int rank = 1 + r.nextInt(5);
        int[] bottom = new int[rank];
        int[] ref = new int[rank];
        for (int d = 0; d < rank; d++) {
            bottom[d] = 1 + r.nextInt(7);
            ref[d] = 1 + r.nextInt(bottom[d]);
        }
        int a = r.nextInt(rank);
        int mode = r.nextInt(3);
        List<Integer> offsets = new ArrayList<>();
        if (mode == 1) {
            int room = Integer.MAX_VALUE;
            for (int d = a; d < rank; d++) {
                room = Math.min(room, bottom[d] - ref[d]);
            }
            offsets.add(r.nextInt(room + 1));
        } else if (mode == 2) {
            for (int d = a; d < rank; d++) {
                offsets.add(r.nextInt(bottom[d] - ref[d] + 1));
            }
        }
        return new Shape(bottom, ref, r.nextBoolean() ? a : a - rank, offsets);
    }

    private static int[] offsets(Shape s) {
        int rank = s.bottom().length;
        int a = s.axis() < 0 ? s.axis() + rank : s.axis();
        int[] o = new int[rank];
        for (int d = a; d < rank; d++) {
            o[d] = s.offsets().isEmpty() ? 0 : s.offsets().get(s.offsets().size() == 1 ? 0 : d - a);
        }
        return o;
    }

    private static int[] topShape(Shape s) {
        int rank = s.bottom().length;
        int a = s.axis() < 0 ? s.axis() + rank : s.axis();
        int[] top = s.bottom().clone();
        System.arraycopy(s.reference(), a, top, a, rank - a);
        return top;
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        int[] top = topShape(s);
        int[] offsets = offsets(s);
        try (LayerRig rig = LayerRig.of(e, new CropLayer("crop", new CropLayer.Spec(s.axis(), s.offsets())), s.bottom(), s.reference())) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -1, 1);
            rig.bottom(0).upload(x);
            rig.bottom(1).upload(RandomData.uniform(r, rig.bottom(1).count(), -1, 1));
            rig.forward(Pass.train(0, 1));
            t.require(java.util.Arrays.equals(rig.top(0).shape(), top), "top shape " + RandomData.shape(rig.top(0).shape()));
            t.compare("crop forward", rig.top(0).download(), CropReference.forward(x, s.bottom(), top, offsets), 0, 0);
            float[] dy = RandomData.uniform(r, rig.top(0).count(), -1, 1);
            rig.top(0).uploadDiff(dy);
            // Garbage in bottom[0]'s diff must be overwritten: the padding is zeros, not what was there.
            rig.bottom(0).uploadDiff(RandomData.uniform(r, x.length, 5, 6));
            rig.backward(new boolean[] {true, false}, Pass.train(0, 1));
            t.compare("crop backward", rig.bottom(0).downloadDiff(), CropReference.backward(dy, s.bottom(), top, offsets), 0, 0);
        }
    }

    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new CropLayer("crop", new CropLayer.Spec(s.axis(), s.offsets())), s.bottom(), s.reference())) {
            rig.bottom(0).upload(RandomData.uniform(r, rig.bottom(0).count(), -1, 1));
            rig.bottom(1).upload(RandomData.uniform(r, rig.bottom(1).count(), -1, 1));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true, false}, Pass.train(0, 1)));
        }
    }
}
