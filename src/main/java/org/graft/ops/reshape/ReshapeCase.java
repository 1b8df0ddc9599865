package org.graft.ops.reshape;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.ops.Cases;
import org.graft.ops.ViewCase;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link ReshapeLayer} against {@link ReshapeReference} (0 and −1 dims, axis and num_axes with negative
 * and end values, num_axes 0 inserting axes, rank 2 and 5, batch 1), the top as a view and as its own blob
 * ({@link ViewCase}), and its gradient check. Exact: nothing is computed.
 */
public final class ReshapeCase {
    public record Shape(int[] bottom, List<Integer> dims, int axis, int numAxes, boolean view) {
        @Override
        public String toString() {
            return RandomData.shape(bottom) + " to " + dims + " axis " + axis + " num_axes " + numAxes + (view ? "" : " (own top)");
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {2, 3, 4, 5}, List.of(0, -1), 0, -1, true),
            new Shape(new int[] {1, 12, 1, 1}, List.of(1, 3, 2, 2), 0, -1, false),
            new Shape(new int[] {2, 3, 4, 5}, List.of(2, -1), 2, -1, true),
            new Shape(new int[] {2, 3, 4, 5}, List.of(1, 1), -1, 0, true),
            new Shape(new int[] {2, 3, 4, 5}, List.of(-1), 1, 2, false),
            new Shape(new int[] {2, 3, 4, 5}, List.of(0, 5, 1), -3, 2, true),
            new Shape(new int[] {6, 10}, List.of(3, 2, -1), 0, -1, true),
            new Shape(new int[] {2, 3, 2, 3, 4}, List.of(0, 0, -1), 0, -1, false),
            new Shape(new int[] {4, 9}, List.of(), 2, 0, true));

    private ReshapeCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Reshape", "exact", (e, effort, r, t) -> {
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
        return SelfTestCase.of("Reshape gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (Shape s : effort.gradient(List.of(new Shape(new int[] {2, 3, 2, 2}, List.of(0, -1), 0, -1, true),
                    new Shape(new int[] {3, 4}, List.of(2, 2), 1, 1, true)))) {
                t.run(s.toString(), () -> ViewCase.gradient(e, layer(s), s.bottom(), r.nextLong(), t));
            }
        });
    }

    /** A random bottom; a random run of its axes regrouped (copied, split in two, or inferred) into as many or fewer new axes. */
    private static Shape random(Random r) {
        int rank = 1 + r.nextInt(5);
        int[] bottom = new int[rank];
        for (int d = 0; d < rank; d++) {
            bottom[d] = 1 + r.nextInt(6);
        }
        int start = r.nextInt(rank + 1);
        int numAxes = r.nextInt(rank - start + 1);
        List<Integer> dims = new ArrayList<>();
        int replaced = 1;
        for (int i = start; i < start + numAxes; i++) {
            replaced *= bottom[i];
        }
        boolean inferOne = numAxes > 0 && r.nextBoolean();
        if (inferOne) {
            if (r.nextBoolean() && bottom[start] > 0) {
                dims.add(0);
            }
            dims.add(-1);
        } else {
            dims.add(replaced);
        }
        int axis = r.nextBoolean() ? start : start - rank - 1;
        boolean allRest = start + numAxes == rank && r.nextBoolean();
        return new Shape(bottom, dims, axis, allRest ? -1 : numAxes, r.nextBoolean());
    }

    private static ReshapeLayer layer(Shape s) {
        return new ReshapeLayer("reshape", new ReshapeLayer.Spec(s.dims(), s.axis(), s.numAxes()));
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        ViewCase.check(e, layer(s), s.bottom(), ReshapeReference.topShape(s.bottom(), s.dims(), s.axis(), s.numAxes()), s.view(), seed, t);
    }
}
