package org.graft.ops.absval;

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
 * {@link AbsValLayer} against {@link AbsValReference} (inputs include exact zeros, where the gradient is 0), and
 * its gradient check. Forward and backward are exact (a sign change), so both are compared bit for bit.
 */
public final class AbsValCase {
    public static final List<int[]> AWKWARD = List.of(
            new int[] {2, 5, 7, 3}, new int[] {1, 1, 1, 1}, new int[] {1, 1023}, new int[] {3, 7, 1, 1}, new int[] {2, 64, 27, 27});

    private AbsValCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("AbsVal", "bit-identical", (e, effort, r, t) -> {
            for (int[] s : effort.fixed(AWKWARD)) {
                t.run(RandomData.shape(s), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                int[] s = {1 + r.nextInt(4), 1 + r.nextInt(20), 1 + r.nextInt(30), 1 + r.nextInt(30)};
                t.run(RandomData.shape(s), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("AbsVal gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (int[] s : effort.gradient(List.of(new int[] {2, 3, 4, 5}, new int[] {1, 7}))) {
                t.run(RandomData.shape(s), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    public static void check(Engine e, int[] shape, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new AbsValLayer("absval", new AbsValLayer.Spec()), shape)) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -3, 3);
            for (int i = 0; i < x.length; i += 7) {
                x[i] = 0f;
            }
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.train(0, 1));
            t.identical("absval forward", rig.top(0).download(), AbsValReference.forward(x));
            rig.top(0).uploadDiff(dy);
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            t.identical("absval backward", rig.bottom(0).downloadDiff(), AbsValReference.backward(x, dy));
        }
    }

    /** Inputs at least 0.05 from the kink at 0, so the ±0.01 step cannot cross it. */
    public static void gradient(Engine e, int[] shape, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new AbsValLayer("absval", new AbsValLayer.Spec()), shape)) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -3, 3);
            for (int i = 0; i < x.length; i++) {
                if (Math.abs(x[i]) < 0.05f) {
                    x[i] = -0.05f;
                }
            }
            rig.bottom(0).upload(x);
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }
}
