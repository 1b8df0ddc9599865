package org.graft.ops.innerproduct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

/**
 * Tolerances: every output is a float sum of L terms plus one more addend (bias or the previous diff).
 * Recursive float summation (with or without fused multiply-add) errs by at most (L+1)·2^-24·Σ|terms|
 * (Higham's γ bound), and the double reference rounds once more; so each comparison allows
 * (L+2)·2^-24·S, with S the largest Σ|terms| of that output, computed by the reference on |values|.
 */
class InnerProductLayerTest {
    private static final double U = Math.pow(2, -24);

    /** CaffeNet's fc6 (pool5 256×6×6 = 9216 → 4096) at batch 2, with fc6-like weights (σ = 0.005). */
    @Test
    void caffeNetFc6ShapeForward() {
        Engine e = TestEngines.get();
        Random r = new Random(6);
        int[] shape = {2, 256, 6, 6};
        int m = 2, k = 9216, n = 4096;
        InnerProductLayer layer = new InnerProductLayer("fc6", new InnerProductLayer.Spec(n));
        try (Blob x = new Blob(e, "x", shape); Blob y = new Blob(e, "y", m, n); layer) {
            assertThat(layer.setUp(e, List.of(shape)).get(0)).containsExactly(m, n);
            float[] xs = RandomData.uniform(r, m * k, 0, 1); // post-ReLU activations
            float[] ws = RandomData.gaussian(r, n * k, 0.005f);
            float[] bs = RandomData.uniform(r, n, 0, 1);
            x.upload(xs);
            layer.params().get(0).blob().upload(ws);
            layer.params().get(1).blob().upload(bs);
            layer.forward(List.of(x), List.of(y), Pass.test());
            Tally.requireClose("fc6 forward", y.download(), InnerProductReference.forward(xs, ws, bs, m, n, k, false),
                    tol(k, InnerProductReference.forward(xs, RandomData.abs(ws), bs, m, n, k, false)), 0);
        }
    }

    @Test
    void newBatchSizeIsAcceptedButNewInputSizeIsRefused() {
        Engine e = TestEngines.get();
        InnerProductLayer layer = new InnerProductLayer("fc8", new InnerProductLayer.Spec(10));
        try (layer) {
            layer.setUp(e, List.of(new int[] {4, 3, 2, 2}));
            assertThat(layer.setUp(e, List.of(new int[] {9, 12})).get(0)).containsExactly(9, 10);
            assertThat(layer.params().get(0).blob().shape()).containsExactly(10, 12);
            assertThatThrownBy(() -> layer.setUp(e, List.of(new int[] {4, 13})))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fc8").hasMessageContaining("12").hasMessageContaining("13");
        }
    }

    /** Frozen parameters (lr_mult 0) receive no gradient, as in Caffe; the bottom diff still flows. */
    @Test
    void frozenParamsGetNoGradient() {
        Engine e = TestEngines.get();
        Random r = new Random(3);
        int m = 3, k = 5, n = 4;
        InnerProductLayer layer = new InnerProductLayer("fc", new InnerProductLayer.Spec(n));
        try (Blob x = new Blob(e, "x", m, k); Blob y = new Blob(e, "y", m, n); layer) {
            layer.setUp(e, List.of(new int[] {m, k}));
            for (Param p : layer.params()) {
                p.multipliers(0f, 0f);
                p.blob().upload(RandomData.uniform(r, p.blob().count(), -1, 1));
                p.blob().zeroDiff();
            }
            float[] xs = RandomData.uniform(r, m * k, -1, 1);
            float[] dys = RandomData.uniform(r, m * n, -1, 1);
            x.upload(xs);
            layer.forward(List.of(x), List.of(y), Pass.train(0, 1));
            y.uploadDiff(dys);
            layer.backward(List.of(y), List.of(x), new boolean[] {true}, Pass.train(0, 1));
            assertThat(layer.params().get(0).blob().downloadDiff()).containsOnly(0f);
            assertThat(layer.params().get(1).blob().downloadDiff()).containsOnly(0f);
            float[] ws = layer.params().get(0).blob().download();
            Tally.requireClose("frozen layer bottom diff", x.downloadDiff(), InnerProductReference.bottomGrad(dys, ws, m, n, k, false), 1e-5, 1e-5);
        }
    }

    private static double tol(int sumLength, float[] absSums) {
        double s = 0;
        for (float v : absSums) {
            s = Math.max(s, v);
        }
        return (sumLength + 2) * U * s + 1e-30;
    }

}
