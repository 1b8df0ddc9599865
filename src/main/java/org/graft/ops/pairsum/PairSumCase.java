package org.graft.ops.pairsum;

import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.kernels.PairSum;
import org.graft.opencl.ClBuffer;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link PairSum} against a double sum, as PairSumTest. Tolerance (PairSumTest's): the second half holds
 * small integers whose float sums are exact, so it must match exactly; the first holds values in [0, 1)
 * summed in float in another order: 1e-6 absolute plus 1e-5 relative.
 */
public final class PairSumCase {
    public static final double ABS = 1e-6;
    public static final double REL = 1e-5;

    /** Around the fan-in (256) and its square, where the pass count changes. */
    public static final List<Integer> AWKWARD = List.of(257, 65537, 1, 2, 255, 256, 1000, 65536, 300001);

    private PairSumCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("PairSum", "1e-6 + 1e-5*|ref|; counts exact", (e, effort, r, t) -> {
            for (int n : effort.fixed(AWKWARD)) {
                t.run("n=" + n, () -> check(e, n, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                int n = 1 + r.nextInt(200000);
                t.run("n=" + n, () -> check(e, n, r.nextLong(), t));
            }
        });
    }

    public static void check(Engine e, int n, long seed, Tally t) {
        Random r = new Random(seed);
        float[] values = new float[2 * n];
        double a = 0;
        long b = 0;
        for (int i = 0; i < n; i++) {
            values[i] = r.nextFloat();
            values[n + i] = r.nextInt(3);
            a += values[i];
            b += (long) values[n + i];
        }
        try (ClBuffer in = e.alloc(values.length, "values"); ClBuffer scratch = e.alloc(PairSum.scratchFloats(n), "scratch")) {
            e.cl().writeFloats(in, values);
            ClBuffer out = PairSum.sum(e, in, n, scratch);
            float[] sums = e.cl().readFloats(out, 2);
            t.compare("sum of values", new float[] {sums[0]}, new float[] {(float) a}, ABS, REL);
            t.compare("sum of counts", new float[] {sums[1]}, new float[] {(float) b}, 0, 0);
        }
    }
}
