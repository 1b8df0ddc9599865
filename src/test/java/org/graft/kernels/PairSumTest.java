package org.graft.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.testing.TestEngines;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PairSumTest {
    /**
     * The second array holds small integers, whose float sums are exact (< 2^24), so it must match
     * exactly; the first holds values in [0, 1), summed in float in another order than the double
     * reference: relative error ≤ passes·fan-in·2^-24 ≈ 5e-5 at worst, 1e-5 relative is ample in practice.
     */
    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 2, 255, 256, 257, 1000, 65536, 65537, 300001})
    void sumsBothHalves(int n) {
        Engine e = TestEngines.get();
        Random r = new Random(n);
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
            assertThat((double) sums[0]).isCloseTo(a, Offset.offset(1e-5 * a + 1e-6));
            assertThat(sums[1]).isEqualTo((float) b);
        }
    }
}
