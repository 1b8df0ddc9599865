package org.graft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.graft.caffe.proto.Caffe;
import org.graft.net.config.Filler;
import org.junit.jupiter.api.Test;

class FillersTest {
    /** Conv weights (OC, C, kh, kw): fan_in 32·5·5 = 800, fan_out 64·5·5 = 1600; 51,200 values. */
    private static final int[] CONV = {64, 32, 5, 5};
    /** Statistics of n = 51,200 draws: 6 standard errors is far outside chance, yet catches a wrong formula. */
    private static final double SIGMAS = 6;

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static float min(float[] v) {
        float m = Float.POSITIVE_INFINITY;
        for (float x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static float max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static double std(float[] v) {
        double m = mean(v);
        double s = 0;
        for (float x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }

    private static float[] fill(Filler f, int[] shape) {
        return Fillers.fill(f, shape, 1701L, "conv", 0);
    }

    /** Checks mean and std against expectations with tolerances from the standard errors of n draws. */
    private static void assertMoments(float[] v, double mean, double std) {
        double n = v.length;
        assertThat(mean(v)).isCloseTo(mean, within(SIGMAS * std / Math.sqrt(n)));
        // The sample std's standard error is about std / sqrt(2n) for a normal, a bit less for a uniform.
        assertThat(std(v)).isCloseTo(std, within(SIGMAS * std / Math.sqrt(2 * n)));
    }

    @Test
    void constantFillsTheValue() {
        assertThat(fill(Filler.constant(0.25f), new int[] {3, 4})).containsOnly(0.25f).hasSize(12);
        assertThat(fill(Filler.DEFAULT, new int[] {5})).containsOnly(0f);
    }

    @Test
    void uniformStaysInRangeWithTheRightMoments() {
        float[] v = fill(Filler.uniform(-2f, 6f), CONV);
        assertThat(min(v)).isGreaterThanOrEqualTo(-2f);
        assertThat(max(v)).isLessThan(6f);
        assertMoments(v, 2.0, 8 / Math.sqrt(12));
    }

    @Test
    void gaussianHasTheGivenMeanAndStd() {
        assertMoments(fill(Filler.gaussian(0.5f, 0.01f), CONV), 0.5, 0.01);
        assertMoments(fill(Filler.gaussian(1f), new int[] {50001}), 0, 1);
    }

    @Test
    void xavierIsUniformWithVarianceOneOverN() {
        assertThat(Fillers.fanIn(CONV)).isEqualTo(800);
        assertThat(Fillers.fanOut(CONV)).isEqualTo(1600);
        double[] n = {800, 1600, 1200};
        Caffe.FillerParameter.VarianceNorm[] norms = {Caffe.FillerParameter.VarianceNorm.FAN_IN, Caffe.FillerParameter.VarianceNorm.FAN_OUT, Caffe.FillerParameter.VarianceNorm.AVERAGE};
        for (int i = 0; i < 3; i++) {
            float[] v = fill(Filler.xavier(norms[i]), CONV);
            double a = Math.sqrt(3 / n[i]);
            assertThat((double) Math.max(-min(v), max(v))).isLessThanOrEqualTo(a).isGreaterThan(0.99 * a);
            assertMoments(v, 0, Math.sqrt(1 / n[i]));
        }
    }

    @Test
    void msraIsGaussianWithVarianceTwoOverN() {
        assertMoments(fill(Filler.msra(), CONV), 0, Math.sqrt(2.0 / 800));
        assertMoments(fill(Filler.msra(Caffe.FillerParameter.VarianceNorm.FAN_OUT), CONV), 0, Math.sqrt(2.0 / 1600));
        // Inner-product weights (N_out, K): fan_in is K.
        assertMoments(fill(Filler.msra(), new int[] {100, 576}), 0, Math.sqrt(2.0 / 576));
    }

    @Test
    void positiveUnitballRowsArePositiveAndSumToOne() {
        float[] v = fill(Filler.positiveUnitball(), new int[] {10, 3, 4});
        assertThat(min(v)).isGreaterThanOrEqualTo(0f);
        assertThat(max(v)).isLessThanOrEqualTo(1f);
        for (int r = 0; r < 10; r++) {
            double sum = 0;
            for (int j = 0; j < 12; j++) {
                sum += v[r * 12 + j];
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void theSameSeedLayerAndBlobGiveTheSameValues() {
        Filler f = Filler.gaussian(0.01f);
        assertThat(Fillers.fill(f, CONV, 5, "conv1", 0)).containsExactly(Fillers.fill(f, CONV, 5, "conv1", 0));
        assertThat(Fillers.fill(f, CONV, 5, "conv1", 0)).isNotEqualTo(Fillers.fill(f, CONV, 6, "conv1", 0));
        assertThat(Fillers.fill(f, CONV, 5, "conv1", 0)).isNotEqualTo(Fillers.fill(f, CONV, 5, "conv2", 0));
        assertThat(Fillers.fill(f, new int[] {64}, 5, "conv1", 0))
                .isNotEqualTo(Fillers.fill(f, new int[] {64}, 5, "conv1", 1));
    }

    @Test
    void theSequenceIsPinnedSoSeedsStayReproducibleAcrossVersions() {
        // Computed outside Java from the derivation documented in Fillers.random (SplitMix64 + FNV-1a,
        // Box-Muller): a change here would change every seeded run's initial weights.
        SplittableRandom rng = Fillers.random(1701, "conv1", 0);
        float[] v = Fillers.fill(Filler.uniform(0, 1), new int[] {3}, rng);
        assertThat(v).containsExactly(PINNED_UNIFORM);
        assertThat(Fillers.fill(Filler.gaussian(1f), new int[] {3}, 1701, "conv1", 1)).containsExactly(PINNED_GAUSSIAN);
    }

    private static final float[] PINNED_UNIFORM = {0.9623867869377136f, 0.5823044776916504f, 0.7646132111549377f};
    private static final float[] PINNED_GAUSSIAN = {1.4234681129455566f, 0.39754486083984375f, 0.362022340297699f};

    /** Caffe's bilinear kernel: the outer product of the 1-D tent (1 − |x/f − c|), the same for every channel pair. */
    @Test
    void bilinearFillsEveryKernelWithTheInterpolationKernel() {
        Filler bilinear = Filler.of(Caffe.FillerParameter.newBuilder().setType("bilinear").build());
        // K = 4 (upsampling by 2): f = 2, c = 3/4, tent 1/4, 3/4, 3/4, 1/4.
        float[] four = fill(bilinear, new int[] {3, 1, 4, 4});
        double[] tent4 = {0.25, 0.75, 0.75, 0.25};
        // K = 3: f = 2, c = 1/2, tent 1/2, 1, 1/2.
        float[] three = fill(bilinear, new int[] {2, 2, 3, 3});
        double[] tent3 = {0.5, 1, 0.5};
        for (int i = 0; i < four.length; i++) {
            assertThat((double) four[i]).isCloseTo(tent4[(i / 4) % 4] * tent4[i % 4], within(1e-7));
        }
        for (int i = 0; i < three.length; i++) {
            assertThat((double) three[i]).isCloseTo(tent3[(i / 3) % 3] * tent3[i % 3], within(1e-7));
        }
        assertThat(fill(bilinear, new int[] {1, 1, 4, 4})).as("no randomness").containsExactly(Fillers.fill(bilinear,
                new int[] {1, 1, 4, 4}, 99L, "other", 1));
        assertThatThrownBy(() -> fill(bilinear, new int[] {2, 1, 3, 4})).hasMessageContaining("square kernels");
        assertThatThrownBy(() -> fill(bilinear, new int[] {2, 9})).hasMessageContaining("4-D");
    }
}
