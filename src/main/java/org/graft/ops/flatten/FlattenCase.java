package org.graft.ops.flatten;

import java.util.List;
import org.graft.engine.Engine;
import org.graft.ops.Cases;
import org.graft.ops.ViewCase;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link FlattenLayer} against {@link FlattenReference} (default axes, axis 0, negative axes, one axis
 * "merged" alone, rank 2 and 5, batch 1), the top as a view and as its own blob ({@link ViewCase}), and its
 * gradient check. Exact: nothing is computed.
 */
public final class FlattenCase {
    public record Shape(int[] bottom, int axis, int endAxis, boolean view) {
        @Override
        public String toString() {
            return RandomData.shape(bottom) + " axes " + axis + ".." + endAxis + (view ? "" : " (own top)");
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {2, 256, 6, 6}, 1, -1, true),
            new Shape(new int[] {1, 3, 5, 7}, 1, -1, false),
            new Shape(new int[] {2, 3, 4, 5}, 0, 1, true),
            new Shape(new int[] {2, 3, 4, 5}, -2, -1, false),
            new Shape(new int[] {2, 3, 4, 5}, 2, 2, true),
            new Shape(new int[] {7, 9}, 0, -1, true),
            new Shape(new int[] {2, 3, 2, 3, 4}, -4, -2, false),
            new Shape(new int[] {1, 1, 1, 1}, 1, -1, true));

    private FlattenCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Flatten", "exact", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                int rank = 1 + r.nextInt(5);
                int[] bottom = new int[rank];
                for (int d = 0; d < rank; d++) {
                    bottom[d] = 1 + r.nextInt(7);
                }
                int start = r.nextInt(rank);
                int end = start + r.nextInt(rank - start);
                Shape s = new Shape(bottom, start - (r.nextBoolean() ? rank : 0), end - (r.nextBoolean() ? rank : 0), r.nextBoolean());
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Flatten gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (int[] bottom : effort.gradient(List.of(new int[] {2, 3, 2, 2}, new int[] {3, 5}))) {
                t.run(RandomData.shape(bottom), () -> ViewCase.gradient(e, layer(new Shape(bottom, 1, -1, true)), bottom, r.nextLong(), t));
            }
        });
    }

    private static FlattenLayer layer(Shape s) {
        return new FlattenLayer("flatten", new FlattenLayer.Spec(s.axis(), s.endAxis()));
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        ViewCase.check(e, layer(s), s.bottom(), FlattenReference.topShape(s.bottom(), s.axis(), s.endAxis()), s.view(), seed, t);
    }
}
