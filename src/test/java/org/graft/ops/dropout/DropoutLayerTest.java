package org.graft.ops.dropout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.selftest.RandomData;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Dropout must agree with the reference bit for bit (same integer generator, one float multiply),
 * so the comparisons here are exact.
 */
class DropoutLayerTest {

    /** Random123's published known-answer vectors for Philox4x32-10. */
    @Test
    void referencePhiloxMatchesKnownAnswers() {
        assertThat(DropoutReference.philox4x32x10(new int[] {0, 0, 0, 0}, new int[] {0, 0}))
                .containsExactly(0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8);
        assertThat(DropoutReference.philox4x32x10(new int[] {-1, -1, -1, -1}, new int[] {-1, -1}))
                .containsExactly(0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd);
        assertThat(DropoutReference.philox4x32x10(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                new int[] {0xa4093822, 0x299f31d0}))
                .containsExactly(0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1);
    }

    /**
     * The kept fraction of n = 2^20 elements has standard deviation sqrt(p(1−p)/n) ≤ 4.9e-4;
     * the bound 6σ is never crossed by chance in practice (and the inputs are fixed, so the test is stable).
     */
    @ParameterizedTest(name = "p={0}")
    @CsvSource({"0.5", "0.1", "0.9"})
    void keptFractionIsOneMinusP(float p) {
        int n = 1 << 20;
        float[] ys = runTrain("drop7", p, n, Pass.train(11, 3));
        int kept = 0;
        for (float v : ys) {
            kept += v != 0f ? 1 : 0;
        }
        double sigma = Math.sqrt(p * (1.0 - p) / n);
        assertThat((double) kept / n).isCloseTo(1.0 - p, offset(6 * sigma));
        // Kept elements are scaled by 1/(1−p): inputs are all 1.
        for (float v : ys) {
            if (v != 0f) {
                assertThat(v).isEqualTo((float) (1.0 / (1.0 - p)));
                break;
            }
        }
    }

    /**
     * Two independent masks with p = 0.5 agree on each element with probability 1/2; over n = 2^16
     * elements the agreement fraction has σ = 0.5/256 ≈ 0.002, so |fraction − 0.5| ≤ 6σ = 0.0117.
     * Equal masks (a generator ignoring an input) would give 1.
     */
    @Test
    void iterationsSeedsAndLayersGiveIndependentMasks() {
        int n = 1 << 16;
        float[] base = runTrain("drop6", 0.5f, n, Pass.train(10, 1));
        float[] sameAgain = runTrain("drop6", 0.5f, n, Pass.train(10, 1));
        assertThat(sameAgain).containsExactly(base);
        double bound = 6 * 0.5 / Math.sqrt(n);
        assertThat(agreement(base, runTrain("drop6", 0.5f, n, Pass.train(11, 1)))).isBetween(0.5 - bound, 0.5 + bound);
        assertThat(agreement(base, runTrain("drop6", 0.5f, n, Pass.train(10 + (1L << 32), 1)))).isBetween(0.5 - bound, 0.5 + bound);
        assertThat(agreement(base, runTrain("drop6", 0.5f, n, Pass.train(10, 2)))).isBetween(0.5 - bound, 0.5 + bound);
        assertThat(agreement(base, runTrain("drop6", 0.5f, n, Pass.train(10, 1 + (1L << 32))))).isBetween(0.5 - bound, 0.5 + bound);
        assertThat(agreement(base, runTrain("drop7", 0.5f, n, Pass.train(10, 1)))).isBetween(0.5 - bound, 0.5 + bound);
    }

    @ParameterizedTest(name = "inPlace={0}")
    @CsvSource({"false", "true"})
    void testPhaseIsIdentity(boolean inPlace) {
        Engine e = TestEngines.get();
        Random r = new Random(5);
        int[] shape = {3, 5, 7};
        DropoutLayer layer = new DropoutLayer("drop6", new DropoutLayer.Spec());
        try (Blob x = new Blob(e, "x", shape); Blob separate = new Blob(e, "y", shape); layer) {
            Blob y = inPlace ? x : separate;
            layer.setUp(e, List.of(shape));
            float[] xs = RandomData.uniform(r, x.count(), -1, 1);
            float[] dys = RandomData.uniform(r, x.count(), -1, 1);
            x.upload(xs);
            layer.forward(List.of(x), List.of(y), Pass.test());
            assertThat(y.download()).containsExactly(xs);
            y.uploadDiff(dys);
            layer.backward(List.of(y), List.of(x), new boolean[] {true}, Pass.test());
            assertThat(x.downloadDiff()).containsExactly(dys);
        }
    }

    @Test
    void ratioOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new DropoutLayer.Spec(1f)).hasMessageContaining("dropout_ratio");
        assertThatThrownBy(() -> new DropoutLayer.Spec(-0.1f)).hasMessageContaining("dropout_ratio");
    }

    private static float[] runTrain(String layerName, float p, int n, Pass pass) {
        Engine e = TestEngines.get();
        DropoutLayer layer = new DropoutLayer(layerName, new DropoutLayer.Spec(p));
        try (Blob x = new Blob(e, "x", n); Blob y = new Blob(e, "y", n); layer) {
            layer.setUp(e, List.of(new int[] {n}));
            float[] ones = new float[n];
            Arrays.fill(ones, 1f);
            x.upload(ones);
            layer.forward(List.of(x), List.of(y), pass);
            return y.download();
        }
    }

    private static double agreement(float[] a, float[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += (a[i] != 0f) == (b[i] != 0f) ? 1 : 0;
        }
        return (double) same / a.length;
    }

}
