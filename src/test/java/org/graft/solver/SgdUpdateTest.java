package org.graft.solver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Param;
import org.graft.opencl.ClBuffer;
import org.graft.ops.sgd.SgdReference;
import org.graft.selftest.RandomData;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

/**
 * Tolerance: none. The kernel disables fma contraction and performs the same float operations in the
 * same order as SgdReference (IEEE add/mul are correctly rounded in OpenCL), so weights and history
 * must match bit for bit.
 */
class SgdUpdateTest {

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }

    @Test
    void frozenBlobsStayBitIdenticalAfter100Steps() {
        Engine e = TestEngines.get();
        Random r = new Random(2014);
        int n = 333;
        Param frozenNoDecay = new Param("conv1.weights", new Blob(e, "conv1.weights", 3, 111)).multipliers(0f, 0f);
        Param frozenWithDecay = new Param("conv1.bias", new Blob(e, "conv1.bias", n)).multipliers(0f, 1f);
        Param trained = new Param("fc8.weights", new Blob(e, "fc8.weights", n)).multipliers(1f, 1f);
        Param[] params = {frozenNoDecay, frozenWithDecay, trained};
        float[][] initialWeights = new float[3][];
        float[][] initialHistory = new float[3][];
        ClBuffer[] history = new ClBuffer[3];
        try {
            for (int i = 0; i < 3; i++) {
                initialWeights[i] = RandomData.gaussian(r, n, 0.1f);
                initialHistory[i] = RandomData.gaussian(r, n, 0.01f); // non-zero: momentum alone would move w
                params[i].blob().upload(initialWeights[i]);
                history[i] = e.alloc(n, params[i].name() + ".history");
                e.cl().writeFloats(history[i], initialHistory[i]);
            }
            for (int step = 0; step < 100; step++) {
                for (int i = 0; i < 3; i++) {
                    params[i].blob().uploadDiff(RandomData.gaussian(r, n, 1f)); // non-zero gradients everywhere
                    boolean launched = SgdUpdate.apply(e, params[i], history[i], 0.01f, 0.9f, 0.0005f);
                    assertThat(launched).isEqualTo(i == 2);
                }
            }
            for (int i = 0; i < 2; i++) {
                float[] w = params[i].blob().download();
                float[] v = e.cl().readFloats(history[i], n);
                assertThat(Arrays.equals(w, initialWeights[i])).as("%s weights", params[i].name()).isTrue();
                assertThat(Arrays.equals(bits(w), bits(initialWeights[i]))).as("%s weight bits", params[i].name()).isTrue();
                assertThat(Arrays.equals(v, initialHistory[i])).as("%s history", params[i].name()).isTrue();
                assertThat(Arrays.equals(bits(v), bits(initialHistory[i]))).as("%s history bits", params[i].name()).isTrue();
            }
            float[] w = trained.blob().download();
            int changed = 0;
            for (int j = 0; j < n; j++) {
                changed += w[j] != initialWeights[2][j] ? 1 : 0;
            }
            assertThat(changed).as("trained weights that moved").isEqualTo(n);
            assertThat(Arrays.equals(e.cl().readFloats(history[2], n), initialHistory[2])).isFalse();
        } finally {
            for (int i = 0; i < 3; i++) {
                params[i].blob().close();
                if (history[i] != null) {
                    history[i].close();
                }
            }
        }
    }

    @Test
    void refusesAHistoryThatIsTooSmall() {
        Engine e = TestEngines.get();
        Param p = new Param("w", new Blob(e, "w", 10));
        try (Blob b = p.blob(); ClBuffer history = e.alloc(5, "small")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SgdUpdate.apply(e, p, history, 0.1f, 0.9f, 0f))
                    .hasMessageContaining("'w'").hasMessageContaining("10");
        }
    }
}
