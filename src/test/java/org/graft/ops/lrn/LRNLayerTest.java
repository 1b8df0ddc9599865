package org.graft.ops.lrn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.graft.caffe.proto.Caffe.LRNParameter.NormRegion;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.lrn.LRNLayer.Spec;
import org.graft.ops.lrn.LRNReference;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LRNLayerTest {
    /*
     * Tolerances: the device sums at most 25 squares in float (relative error ~25·2^-24 ≈ 1.5e-6) and
     * OpenCL's pow may be off by 16 ulp (~2e-6 relative), so y is within ~4e-6 relative of the double
     * reference; 1e-5 relative plus 1e-6·range absolute covers it. Backward subtracts two terms of the
     * size of dy·x, so its absolute error scales with range² · 1e-5.
     */
    private static final double REL = 1e-5;

    private static LRNReference.Params params(Spec s) {
        return new LRNReference.Params(s.localSize(), s.alpha(), s.beta(), s.k(), s.region() == NormRegion.WITHIN_CHANNEL);
    }

    private record Run(float[] y, float[] dx) {
    }

    private static Run run(Spec spec, int n, int c, int h, int w, float[] x, float[] dy) {
        Engine e = TestEngines.get();
        try (LRNLayer layer = new LRNLayer("norm", spec)) {
            int[] out = layer.setUp(e, List.<int[]>of(new int[] {n, c, h, w})).get(0);
            assertThat(out).containsExactly(n, c, h, w);
            try (Blob bottom = new Blob(e, "bottom", n, c, h, w); Blob top = new Blob(e, "top", out)) {
                bottom.upload(x);
                layer.forward(List.of(bottom), List.of(top), Pass.test());
                top.uploadDiff(dy);
                bottom.uploadDiff(new float[x.length]);
                layer.backward(List.of(top), List.of(bottom), new boolean[] {true}, Pass.test());
                return new Run(top.download(), bottom.downloadDiff());
            }
        }
    }

    private static void compareWithReference(Spec spec, int n, int c, int h, int w, float range, long seed) {
        Random r = new Random(seed);
        float[] x = RandomData.uniform(r, n * c * h * w, -range, range);
        float[] dy = RandomData.uniform(r, x.length, -1, 1);
        Run got = run(spec, n, c, h, w, x, dy);
        LRNReference.Shape shape = new LRNReference.Shape(n, c, h, w);
        Tally.requireClose("LRN forward", got.y(), LRNReference.forward(shape, params(spec), x), 1e-6 * range, REL);
        Tally.requireClose("LRN backward", got.dx(), LRNReference.backward(shape, params(spec), x, dy), 1e-5 * Math.max(1, range), 1e-5);
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}x{4} size {5} alpha {6} beta {7} k {8} range {9}")
    @CsvSource({
        // CaffeNet's values; inputs of ReLU-activation magnitude so the 1e-4 normalisation is visible
        "ACROSS_CHANNELS, 2, 7, 5, 3, 5, 1e-4, 0.75, 1, 20",
        "ACROSS_CHANNELS, 2, 7, 5, 3, 5, 1.0, 0.75, 1, 2",
        // fewer channels than local_size
        "ACROSS_CHANNELS, 1, 3, 5, 5, 5, 1.0, 0.75, 1, 2",
        "ACROSS_CHANNELS, 2, 1, 3, 3, 5, 1.0, 0.75, 1, 2",
        // k other than 1, odd spatial sizes, unusual beta
        "ACROSS_CHANNELS, 2, 10, 7, 9, 5, 1.0, 0.75, 2, 1",
        "ACROSS_CHANNELS, 1, 4, 1, 1, 3, 3.0, 0.5, 1, 1",
        "ACROSS_CHANNELS, 1, 5, 3, 5, 7, 1.0, 1.5, 0.5, 1",
        "ACROSS_CHANNELS, 2, 6, 3, 3, 1, 1.0, 0.75, 1, 1",
        "WITHIN_CHANNEL, 2, 3, 7, 9, 5, 1e-4, 0.75, 1, 20",
        "WITHIN_CHANNEL, 1, 2, 5, 5, 3, 1.0, 0.75, 1, 2",
        // window larger than the image
        "WITHIN_CHANNEL, 2, 3, 3, 4, 5, 1.0, 0.75, 1, 1",
        "WITHIN_CHANNEL, 1, 1, 1, 1, 3, 1.0, 0.75, 1, 1",
        "WITHIN_CHANNEL, 1, 2, 11, 6, 1, 2.0, 0.75, 1, 1",
        "WITHIN_CHANNEL, 1, 3, 8, 7, 7, 5.0, 1.5, 1, 1"
    })
    void matchesReference(String region, int n, int c, int h, int w, int size, float alpha, float beta, float k, float range) {
        Spec spec = new Spec(size, alpha, beta, k, region.equals("ACROSS_CHANNELS") ? NormRegion.ACROSS_CHANNELS : NormRegion.WITHIN_CHANNEL);
        compareWithReference(spec, n, c, h, w, range, 97L * c + 31L * h + w + size);
    }

    @Test
    void caffeNetNorm1AndNorm2AtBatchOne() {
        compareWithReference(Spec.across(5, 1e-4f, 0.75f, 1f), 1, 96, 27, 27, 50, 1);
        compareWithReference(Spec.across(5, 1e-4f, 0.75f, 1f), 1, 256, 13, 13, 50, 2);
    }

    @Test
    void normalisationActuallyChangesValues() {
        // Guards against a test that would pass with y = x: alpha 1 on O(1) inputs shrinks every value.
        float[] x = RandomData.uniform(new Random(5), 2 * 5 * 3 * 3, 0.5f, 1f);
        for (Spec spec : List.of(Spec.across(5, 1f, 0.75f, 1f), Spec.within(3, 1f, 0.75f))) {
            float[] y = run(spec, 2, 5, 3, 3, x, new float[x.length]).y();
            for (int i = 0; i < x.length; i++) {
                assertThat(y[i]).isLessThan(x[i] * 0.95f);
            }
        }
    }

    @Test
    void withinChannelIgnoresK() {
        float[] x = RandomData.uniform(new Random(6), 2 * 3 * 5 * 4, -1, 1);
        float[] dy = RandomData.uniform(new Random(7), x.length, -1, 1);
        Run k1 = run(new Spec(3, 1f, 0.75f, 1f, NormRegion.WITHIN_CHANNEL), 2, 3, 5, 4, x, dy);
        Run k5 = run(new Spec(3, 1f, 0.75f, 5f, NormRegion.WITHIN_CHANNEL), 2, 3, 5, 4, x, dy);
        assertThat(k5.y()).containsExactly(k1.y());
        assertThat(k5.dx()).containsExactly(k1.dx());
    }

    @ParameterizedTest(name = "{0} size {5} on {1}x{2}x{3}x{4}")
    @CsvSource({
        "ACROSS_CHANNELS, 2, 7, 3, 4, 5, 1.0, 0.75, 1",
        "ACROSS_CHANNELS, 2, 2, 3, 3, 3, 2.0, 0.75, 2",
        "WITHIN_CHANNEL, 2, 2, 5, 4, 3, 1.0, 0.75, 1",
        "WITHIN_CHANNEL, 1, 2, 3, 4, 5, 2.0, 1.5, 1"
    })
    void gradientCheck(String region, int n, int c, int h, int w, int size, float alpha, float beta, float k) {
        Engine e = TestEngines.get();
        Spec spec = new Spec(size, alpha, beta, k, region.equals("ACROSS_CHANNELS") ? NormRegion.ACROSS_CHANNELS : NormRegion.WITHIN_CHANNEL);
        try (LRNLayer layer = new LRNLayer("norm", spec)) {
            int[] out = layer.setUp(e, List.<int[]>of(new int[] {n, c, h, w})).get(0);
            try (Blob bottom = new Blob(e, "bottom", n, c, h, w); Blob top = new Blob(e, "top", out)) {
                bottom.upload(RandomData.uniform(new Random(size + c), bottom.count(), -1.5f, 1.5f));
                new GradientCheck().check(layer, List.of(bottom), List.of(top), new boolean[] {true}, Pass.test()).orThrow();
            }
        }
    }

    @Test
    void rejectsEvenOrNonPositiveLocalSize() {
        assertThatThrownBy(() -> new LRNLayer("norm1", Spec.across(4, 1e-4f, 0.75f, 1f)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("norm1").hasMessageContaining("odd").hasMessageContaining("got 4");
        assertThatThrownBy(() -> new LRNLayer("norm2", Spec.within(0, 1f, 0.75f)))
                .hasMessageContaining("norm2").hasMessageContaining("got 0");
    }

    @Test
    void rejectsNonImageBottom() {
        LRNLayer layer = new LRNLayer("norm", Spec.defaults());
        assertThatThrownBy(() -> layer.setUp(TestEngines.get(), List.<int[]>of(new int[] {4, 96})))
                .hasMessageContaining("'norm'").hasMessageContaining("4 axes").hasMessageContaining("[4, 96]");
    }
}
