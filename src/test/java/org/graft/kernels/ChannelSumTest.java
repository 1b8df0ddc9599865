package org.graft.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.graft.engine.Engine;
import java.util.Arrays;
import org.graft.opencl.ClBuffer;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

/** The per-channel reduction is right for every work-group size the device allows, and repeatable. */
class ChannelSumTest {
    private final Engine e = TestEngines.get();

    @Test
    void everyWorkGroupSizeGivesTheSumsAndRepeatsBitForBit() {
        Random r = new Random(5);
        int[][] shapes = {{3, 5, 7}, {1, 1, 1}, {7, 2, 1}, {1, 3, 1000}, {33, 4, 9}};
        for (int[] s : shapes) {
            int outer = s[0];
            int dim = s[1];
            int inner = s[2];
            int n = outer * dim * inner;
            float[] a = RandomData.uniform(r, n, -2, 3);
            float[] b = RandomData.uniform(r, n, -1, 1);
            float[] old = RandomData.uniform(r, dim, -1, 1);
            double[] expected = new double[dim];
            for (int i = 0; i < n; i++) {
                expected[(i / inner) % dim] += (double) a[i] * b[i];
            }
            float[] want = new float[dim];
            for (int d = 0; d < dim; d++) {
                want[d] = (float) (0.5 * expected[d] + 2.0 * old[d]);
            }
            long max = ChannelSum.groupSize(e, e.kernel("channel_sum.cl", "channel_dot"), Long.MAX_VALUE);
            try (ClBuffer ab = buffer(a); ClBuffer bb = buffer(b); ClBuffer out = e.alloc(dim, "out")) {
                for (long size : new long[] {1, 2, 3, 5, 7, 64, 100, max}) {
                    if (size > max) {
                        continue;
                    }
                    e.cl().writeFloats(out, 0, old, 0, dim);
                    ChannelSum.dot(e, ab, bb, outer, dim, inner, 0.5f, 2f, out, size);
                    float[] got = read(out, dim);
                    Tally.requireClose("dot " + Arrays.toString(s) + " work-group " + size, got, want, 1e-5, 1e-5);
                    e.cl().writeFloats(out, 0, old, 0, dim);
                    ChannelSum.dot(e, ab, bb, outer, dim, inner, 0.5f, 2f, out, size);
                    assertThat(read(out, dim)).as("repeatable with work-group " + size).containsExactly(got);
                }
            }
        }
    }

    private ClBuffer buffer(float[] v) {
        ClBuffer b = e.alloc(v.length, "in");
        e.cl().writeFloats(b, 0, v, 0, v.length);
        return b;
    }

    private float[] read(ClBuffer b, int n) {
        float[] out = new float[n];
        e.cl().readFloats(b, 0, out, 0, n);
        return out;
    }
}
