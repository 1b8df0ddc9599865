package org.graft.ops.innerproduct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.ops.innerproduct.InnerProductReference;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tolerances: every output is a float sum of L terms plus one more addend (bias or the previous diff).
 * Recursive float summation (with or without fused multiply-add) errs by at most (L+1)·2^-24·Σ|terms|
 * (Higham's γ bound), and the double reference rounds once more; so each comparison allows
 * (L+2)·2^-24·S, with S the largest Σ|terms| of that output, computed by the reference on |values|.
 */
class InnerProductLayerTest {
    private static final double U = Math.pow(2, -24);

    @ParameterizedTest(name = "bottom {0} -> {1} bias={2} transpose={3} axis={4}")
    @CsvSource({
        "1x5, 3, true, false, 1",
        "2x3x4x5, 7, true, false, 1",
        "1x3x5x5, 11, true, false, 1",
        "3x17, 13, true, true, 1",
        "5x3x7, 9, false, false, 1",
        "5x3x7, 9, false, true, 1",
        "2x3x4x5, 6, true, false, 2",
        "2x3x11, 4, true, true, -1",
        "7x1x1x1, 1, true, false, 1",
        "64x1000, 37, true, false, 1"
    })
    void matchesReference(String bottomShape, int numOutput, boolean bias, boolean transpose, int axis) {
        Engine e = TestEngines.get();
        int[] shape = parseShape(bottomShape);
        Random r = new Random(bottomShape.hashCode() * 31L + numOutput);
        InnerProductLayer layer = new InnerProductLayer("fc", new InnerProductLayer.Spec(numOutput, bias, transpose, axis));
        try (Blob x = new Blob(e, "x", shape); layer) {
            int[] topShape = layer.setUp(e, List.of(shape)).get(0);
            int a = axis < 0 ? axis + shape.length : axis;
            int m = Blob.count(Arrays.copyOf(shape, a));
            int k = x.count() / m;
            int n = numOutput;
            int[] expectedTop = Arrays.copyOf(shape, a + 1);
            expectedTop[a] = n;
            assertThat(topShape).containsExactly(expectedTop);
            assertThat(layer.params()).hasSize(bias ? 2 : 1);
            assertThat(layer.params().get(0).blob().shape()).containsExactly(transpose ? new int[] {k, n} : new int[] {n, k});
            assertThat(layer.forwardFlops()).isEqualTo(2L * m * n * k);
            try (Blob y = new Blob(e, "y", topShape)) {
                float[] xs = RandomData.uniform(r, m * k, -1, 1);
                float[] ws = RandomData.uniform(r, n * k, -1, 1);
                float[] bs = bias ? RandomData.uniform(r, n, -1, 1) : null;
                float[] dys = RandomData.uniform(r, m * n, -1, 1);
                float[] dwPrior = RandomData.uniform(r, n * k, -1, 1);
                float[] dbPrior = bias ? RandomData.uniform(r, n, -1, 1) : null;
                x.upload(xs);
                layer.params().get(0).blob().upload(ws);
                layer.params().get(0).blob().uploadDiff(dwPrior);
                if (bias) {
                    layer.params().get(1).blob().upload(bs);
                    layer.params().get(1).blob().uploadDiff(dbPrior);
                }
                layer.forward(List.of(x), List.of(y), Pass.train(0, 1));
                Tally.requireClose("inner product forward", y.download(),
                        InnerProductReference.forward(xs, ws, bs, m, n, k, transpose),
                        tol(k, InnerProductReference.forward(abs(xs), abs(ws), abs(bs), m, n, k, transpose)), 0);

                y.uploadDiff(dys);
                layer.backward(List.of(y), List.of(x), new boolean[] {true}, Pass.train(0, 1));
                Tally.requireClose("inner product bottom diff", x.downloadDiff(),
                        InnerProductReference.bottomGrad(dys, ws, m, n, k, transpose),
                        tol(n, InnerProductReference.bottomGrad(abs(dys), abs(ws), m, n, k, transpose)), 0);
                float[] dw = dwPrior.clone();
                InnerProductReference.accumulateWeightGrad(xs, dys, dw, m, n, k, transpose);
                float[] dwAbs = abs(dwPrior);
                InnerProductReference.accumulateWeightGrad(abs(xs), abs(dys), dwAbs, m, n, k, transpose);
                Tally.requireClose("inner product weight diff (accumulated)", layer.params().get(0).blob().downloadDiff(), dw, tol(m, dwAbs), 0);
                if (bias) {
                    float[] db = dbPrior.clone();
                    InnerProductReference.accumulateBiasGrad(dys, db, m, n);
                    float[] dbAbs = abs(dbPrior);
                    InnerProductReference.accumulateBiasGrad(abs(dys), dbAbs, m, n);
                    Tally.requireClose("inner product bias diff (accumulated)", layer.params().get(1).blob().downloadDiff(), db, tol(m, dbAbs), 0);
                }
            }
        }
    }

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
                    tol(k, InnerProductReference.forward(xs, abs(ws), bs, m, n, k, false)), 0);
        }
    }

    @ParameterizedTest(name = "bottom {0} -> {1} bias={2} transpose={3} axis={4}")
    @CsvSource({
        "2x3x2x2, 5, true, false, 1",
        "3x7, 4, false, true, 1",
        "2x3x5, 3, true, true, 2",
        "1x6, 2, true, false, 1"
    })
    void gradientCheck(String bottomShape, int numOutput, boolean bias, boolean transpose, int axis) {
        Engine e = TestEngines.get();
        int[] shape = parseShape(bottomShape);
        Random r = new Random(bottomShape.hashCode());
        InnerProductLayer layer = new InnerProductLayer("fc", new InnerProductLayer.Spec(numOutput, bias, transpose, axis));
        try (Blob x = new Blob(e, "x", shape); layer) {
            int[] topShape = layer.setUp(e, List.of(shape)).get(0);
            try (Blob y = new Blob(e, "y", topShape)) {
                x.upload(RandomData.uniform(r, x.count(), -1, 1));
                for (Param p : layer.params()) {
                    p.blob().upload(RandomData.uniform(r, p.blob().count(), -1, 1));
                }
                new GradientCheck().check(layer, List.of(x), List.of(y), new boolean[] {true}, Pass.train(0, 1)).orThrow();
            }
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

    private static float[] abs(float[] a) {
        if (a == null) {
            return null;
        }
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Math.abs(a[i]);
        }
        return out;
    }

    private static int[] parseShape(String s) {
        return Arrays.stream(s.trim().split("x")).mapToInt(Integer::parseInt).toArray();
    }
}
