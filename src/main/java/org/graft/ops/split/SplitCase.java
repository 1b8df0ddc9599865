package org.graft.ops.split;

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
 * {@link SplitLayer} against {@link SplitReference}, and its gradient check.
 * Tolerance: exact: forward copies, backward sums ≤ 3 floats in the reference's order.
 */
public final class SplitCase {
    private SplitCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Split", "exact", (e, effort, r, t) -> {
            for (int tops : effort.fixed(List.of(3, 1, 2))) {
                int[] shape = {2, 3, 5, 7};
                t.run(tops + " tops of " + RandomData.shape(shape), () -> check(e, shape, tops, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                int[] shape = {1 + r.nextInt(4), 1 + r.nextInt(9), 1 + r.nextInt(20), 1 + r.nextInt(20)};
                int tops = 1 + r.nextInt(3);
                t.run(tops + " tops of " + RandomData.shape(shape), () -> check(e, shape, tops, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Split gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (int tops : effort.gradient(List.of(2, 3, 1))) {
                t.run(tops + " tops of 2x3x5x7", () -> gradient(e, tops, r.nextLong(), t));
            }
        });
    }

    public static void check(Engine e, int[] shape, int tops, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new SplitLayer("split", tops), shape)) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.test());
            float[][] expected = SplitReference.forward(x, tops);
            float[][] diffs = new float[tops][];
            for (int i = 0; i < tops; i++) {
                t.compare("top " + i, rig.top(i).download(), expected[i], 0, 0);
                diffs[i] = RandomData.uniform(r, x.length, -1, 1);
                rig.top(i).uploadDiff(diffs[i]);
            }
            rig.backward(new boolean[] {true}, Pass.test());
            t.compare("bottom diff", rig.bottom(0).downloadDiff(), SplitReference.backward(diffs), 0, 0);
        }
    }

    public static void gradient(Engine e, int tops, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new SplitLayer("split", tops), new int[] {2, 3, 5, 7})) {
            rig.bottom(0).upload(RandomData.uniform(r, rig.bottom(0).count(), -1, 1));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.test()));
        }
    }
}
