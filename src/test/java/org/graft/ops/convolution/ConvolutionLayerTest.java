package org.graft.ops.convolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.ops.relu.ReLUReference;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConvolutionLayerTest {

    /** A layer with its blobs, set up and filled with random data. */
    private static final class Fixture implements AutoCloseable {
        final ConvolutionLayer layer;
        final int[] inShape;
        final Blob bottom;
        final Blob top;
        final float[] x;
        final float[] w;
        final float[] b;

        Fixture(Engine e, ConvolutionLayer layer, int[] inShape, Random r) {
            this.layer = layer;
            this.inShape = inShape;
            int[] topShape = layer.setUp(e, List.of(inShape)).get(0);
            bottom = new Blob(e, "bottom", inShape);
            top = new Blob(e, "top", topShape);
            x = RandomData.uniform(r, bottom.count(), -1, 1);
            bottom.upload(x);
            Blob weights = layer.params().get(0).blob();
            w = RandomData.uniform(r, weights.count(), -1, 1);
            weights.upload(w);
            if (layer.spec().biasTerm()) {
                Blob bias = layer.params().get(1).blob();
                b = RandomData.uniform(r, bias.count(), -1, 1);
                bias.upload(b);
            } else {
                b = null;
            }
        }

        float[] forward() {
            layer.forward(List.of(bottom), List.of(top), Pass.test());
            return top.download();
        }

        void backward(float[] topDiff) {
            top.uploadDiff(topDiff);
            layer.backward(List.of(top), List.of(bottom), new boolean[] {true}, Pass.train(0, 1));
        }

        @Override
        public void close() {
            layer.close();
            bottom.close();
            top.close();
        }
    }

    /**
     * Tolerance for a sum of {@code terms} products of values in [-1, 1]: float32 accumulation of n
     * random-signed terms errs by about n·2^-24 (partial sums grow like √n, each add errs ε·√n), so
     * 1e-5 + 3e-7·n leaves a 4× margin over that estimate.
     */
    private static double tol(long terms) {
        return 1e-5 + 3e-7 * terms;
    }

    private static ConvolutionLayer.Spec spec(int oc, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                                              int group, boolean bias) {
        return new ConvolutionLayer.Spec(oc, kh, kw, sh, sw, ph, pw, dh, dw, group, bias);
    }

    /** Device forward and backward against the direct reference. */
    private static void checkAgainstReference(int[] in, ConvolutionLayer.Spec s, long seed, long workspaceBytes) {
        Engine e = TestEngines.get();
        Random r = new Random(seed);
        try (Fixture f = new Fixture(e, new ConvolutionLayer("conv", s, workspaceBytes), in, r)) {
            int[] out = ConvolutionReference.outShape(in, s);
            assertThat(f.top.shape()).containsExactly(out);
            long kTerms = (long) (in[1] / s.group()) * s.kernelH() * s.kernelW();
            long pixelTerms = (long) in[0] * out[2] * out[3];

            Tally.requireClose("forward", f.forward(), ConvolutionReference.forward(f.x, in, f.w, f.b, s), tol(kTerms), 1e-5);

            float[] topDiff = RandomData.uniform(r, f.top.count(), -1, 1);
            // Parameter diffs must be ADDED to and the bottom diff overwritten: start from non-zero values.
            float[] wDiff = RandomData.uniform(r, f.w.length, -1, 1);
            float[] bDiff = s.biasTerm() ? RandomData.uniform(r, s.numOutput(), -1, 1) : null;
            f.layer.params().get(0).blob().uploadDiff(wDiff);
            if (bDiff != null) {
                f.layer.params().get(1).blob().uploadDiff(bDiff);
            }
            f.bottom.uploadDiff(RandomData.uniform(r, f.bottom.count(), 50, 60));
            f.backward(topDiff);
            float[] expectedW = wDiff.clone();
            float[] expectedB = bDiff != null ? bDiff.clone() : null;
            float[] expectedX = ConvolutionReference.backward(topDiff, f.x, in, f.w, s, expectedW, expectedB);
            long xTerms = (long) (s.numOutput() / s.group()) * s.kernelH() * s.kernelW();
            Tally.requireClose("bottom diff", f.bottom.downloadDiff(), expectedX, tol(xTerms), 1e-5);
            Tally.requireClose("weight diff", f.layer.params().get(0).blob().downloadDiff(), expectedW, tol(pixelTerms), 1e-5);
            if (expectedB != null) {
                Tally.requireClose("bias diff", f.layer.params().get(1).blob().downloadDiff(), expectedB, tol(pixelTerms), 1e-5);
            }
        }
    }

    static Stream<Arguments> randomShapes() {
        Random r = new Random(20140101);
        List<Arguments> cases = new ArrayList<>();
        while (cases.size() < 16) {
            int group = 1 + r.nextInt(3);
            int c = group * (1 + r.nextInt(4));
            int oc = group * (1 + r.nextInt(4));
            int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
            int sh = 1 + r.nextInt(3), sw = 1 + r.nextInt(3);
            int ph = r.nextInt(3), pw = r.nextInt(3);
            int dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
            int[] in = {1 + r.nextInt(3), c, 3 + r.nextInt(10), 3 + r.nextInt(10)};
            ConvolutionLayer.Spec s = spec(oc, kh, kw, sh, sw, ph, pw, dh, dw, group, r.nextBoolean());
            int[] out = ConvolutionReference.outShape(in, s);
            if (out[2] >= 1 && out[3] >= 1) {
                cases.add(Arguments.of(in, s, r.nextLong()));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "random {index}: in={0} {1}")
    @MethodSource("randomShapes")
    void matchesReferenceOnRandomShapes(int[] in, ConvolutionLayer.Spec s, long seed) {
        checkAgainstReference(in, s, seed, ConvolutionLayer.DEFAULT_WORKSPACE_BYTES);
    }

    /** CaffeNet conv1 and conv2 geometries (forward only: the direct reference is slow on them). */
    @ParameterizedTest(name = "CaffeNet-like in={0}x{1}x{2}x{3} oc={4} k={5} s={6} p={7} g={8}")
    @CsvSource({
        "1,3,227,227,96,11,4,0,1",
        "2,96,27,27,256,5,1,2,2"
    })
    void caffeNetShapesForward(int n, int c, int h, int w, int oc, int k, int stride, int pad, int group) {
        Engine e = TestEngines.get();
        int[] in = {n, c, h, w};
        ConvolutionLayer.Spec s = ConvolutionLayer.Spec.square(oc, k, stride, pad, group);
        try (Fixture f = new Fixture(e, new ConvolutionLayer("conv", s), in, new Random(oc))) {
            assertThat(f.top.shape()).containsExactly(ConvolutionReference.outShape(in, s));
            assertThat(f.layer.forwardFlops())
                    .isEqualTo(2L * n * oc * f.top.shape(2) * f.top.shape(3) * (c / group) * k * k);
            long terms = (long) (c / group) * k * k;
            Tally.requireClose("forward", f.forward(), ConvolutionReference.forward(f.x, in, f.w, f.b, s), tol(terms), 1e-5);
        }
    }

    /** Several chunks (including a short last one) must give what one chunk gives, and match the reference. */
    @Test
    void chunkedMatchesUnchunked() {
        Engine e = TestEngines.get();
        int[] in = {5, 4, 9, 9};
        ConvolutionLayer.Spec s = ConvolutionLayer.Spec.square(6, 3, 1, 1, 2);
        long perImageBytes = (4L * 9 + 6) * 81 * 4; // (colRows + OC) · OH·OW floats
        float[] topDiff = RandomData.uniform(new Random(3), 5 * 6 * 81, -1, 1);
        try (Fixture whole = new Fixture(e, new ConvolutionLayer("whole", s), in, new Random(1));
             Fixture chunked = new Fixture(e, new ConvolutionLayer("chunked", s, 2 * perImageBytes), in, new Random(1))) {
            assertThat(whole.layer.chunk()).isEqualTo(5);
            assertThat(chunked.layer.chunk()).isEqualTo(2);
            // Each output is the same dot product in the same order whatever the chunk: identical.
            Tally.requireClose("chunked forward", chunked.forward(), whole.forward(), 0, 0);
            for (Fixture f : List.of(whole, chunked)) {
                for (Param p : f.layer.params()) {
                    p.blob().zeroDiff();
                }
                f.backward(topDiff);
            }
            Tally.requireClose("chunked bottom diff", chunked.bottom.downloadDiff(), whole.bottom.downloadDiff(), 0, 0);
            // Parameter gradients sum over 5·81 pixels in a different grouping: float rounding only.
            Tally.requireClose("chunked weight diff", chunked.layer.params().get(0).blob().downloadDiff(),
                    whole.layer.params().get(0).blob().downloadDiff(), tol(5 * 81), 1e-5);
            Tally.requireClose("chunked bias diff", chunked.layer.params().get(1).blob().downloadDiff(),
                    whole.layer.params().get(1).blob().downloadDiff(), tol(5 * 81), 1e-5);
        }
        checkAgainstReference(in, s, 9, 2 * perImageBytes);
        checkAgainstReference(in, s, 10, 1); // a workspace smaller than one image still runs one image at a time
    }

    /**
     * 1x1 convolutions (stride 1, no padding, one group) run the GEMM straight on NCHW: in one chunk and in
     * several, with the ReLU fused or not, and with frozen parameters (then backward computes dIn only, per image
     * straight from the top diff unless a ReLU mask must be applied).
     */
    @ParameterizedTest(name = "relu={0} frozen={1} chunked={2} bias={3}")
    @CsvSource({
        "false,false,false,true", "true,false,false,true", "false,false,true,true", "true,false,true,false",
        "false,true,false,true", "false,true,false,false", "true,true,false,true", "true,true,true,true"
    })
    void pointwiseMatchesReference(boolean relu, boolean frozen, boolean chunked, boolean bias) {
        Engine e = TestEngines.get();
        int[] in = {5, 6, 8, 9};
        ConvolutionLayer.Spec s = new ConvolutionLayer.Spec(7, 1, 1, 1, 1, 0, 0, 1, 1, 1, bias);
        long perImageBytes = (6L + 7) * 72 * 4; // (colRows + OC) · OH·OW floats
        ConvolutionLayer layer = new ConvolutionLayer("pw", s, chunked ? 2 * perImageBytes : ConvolutionLayer.DEFAULT_WORKSPACE_BYTES);
        layer.fuseRelu(relu);
        Random r = new Random(11);
        try (Fixture f = new Fixture(e, layer, in, r)) {
            assertThat(layer.pointwise()).isTrue();
            assertThat(layer.chunk()).isEqualTo(chunked ? 2 : 5);
            float[] top = f.forward();
            float[] pre = ConvolutionReference.forward(f.x, in, f.w, f.b, s);
            Tally.requireClose("forward", top, relu ? ReLUReference.forward(pre, 0f) : pre, tol(6), 1e-5);

            float[] wDiff = RandomData.uniform(r, f.w.length, -1, 1);
            float[] bDiff = RandomData.uniform(r, 7, -1, 1);
            layer.params().get(0).multipliers(frozen ? 0 : 1, 1).blob().uploadDiff(wDiff);
            if (bias) {
                layer.params().get(1).multipliers(frozen ? 0 : 1, 1).blob().uploadDiff(bDiff);
            }
            f.bottom.uploadDiff(RandomData.uniform(r, f.bottom.count(), 50, 60));
            float[] topDiff = RandomData.uniform(r, f.top.count(), -1, 1);
            f.backward(topDiff);
            float[] expectedW = wDiff.clone();
            float[] expectedB = bDiff.clone();
            float[] effective = relu ? ReLUReference.backward(top, topDiff, 0f) : topDiff;
            float[] expectedX = ConvolutionReference.backward(effective, f.x, in, f.w, s, expectedW, bias ? expectedB : null);
            Tally.requireClose("bottom diff", f.bottom.downloadDiff(), expectedX, tol(7), 1e-5);
            Tally.requireClose("weight diff", layer.params().get(0).blob().downloadDiff(), frozen ? wDiff : expectedW,
                    frozen ? 0 : tol(5 * 72), 1e-5);
            if (bias) {
                Tally.requireClose("bias diff", layer.params().get(1).blob().downloadDiff(), frozen ? bDiff : expectedB,
                        frozen ? 0 : tol(5 * 72), 1e-5);
            }
        }
    }

    @Test
    void onlyStrideOnePadZeroSingleGroupOneByOneWithMorePixelsThanWeightsIsPointwise() {
        Engine e = TestEngines.get();
        ConvolutionLayer.Spec[] notPointwise = {
            ConvolutionLayer.Spec.square(4, 1, 2, 0), ConvolutionLayer.Spec.square(4, 1, 1, 1),
            ConvolutionLayer.Spec.square(4, 1, 1, 0, 2), ConvolutionLayer.Spec.square(4, 3, 1, 1)};
        for (ConvolutionLayer.Spec s : notPointwise) {
            try (ConvolutionLayer layer = new ConvolutionLayer("c", s)) {
                layer.setUp(e, List.of(new int[] {2, 4, 5, 5}));
                assertThat(layer.pointwise()).as(s.toString()).isFalse();
            }
        }
        // 16·64·64 weights against (64 + 64)·HW: direct from 512 pixels per image on, im2col below.
        try (ConvolutionLayer layer = new ConvolutionLayer("wide", ConvolutionLayer.Spec.square(64, 1, 1, 0))) {
            layer.setUp(e, List.of(new int[] {1, 64, 16, 32}));
            assertThat(layer.pointwise()).isTrue();
            layer.setUp(e, List.of(new int[] {1, 64, 17, 30}));
            assertThat(layer.pointwise()).isFalse();
        }
    }

    @Test
    void frozenParametersKeepTheirDiffs() {
        Engine e = TestEngines.get();
        int[] in = {2, 3, 6, 6};
        ConvolutionLayer.Spec s = ConvolutionLayer.Spec.square(4, 3, 1, 1);
        Random r = new Random(5);
        try (Fixture f = new Fixture(e, new ConvolutionLayer("frozen", s), in, r)) {
            float[] wDiff = RandomData.uniform(r, f.w.length, -1, 1);
            float[] bDiff = RandomData.uniform(r, 4, -1, 1);
            f.layer.params().get(0).multipliers(0, 0).blob().uploadDiff(wDiff);
            f.layer.params().get(1).multipliers(0, 0).blob().uploadDiff(bDiff);
            float[] topDiff = RandomData.uniform(r, f.top.count(), -1, 1);
            f.backward(topDiff);
            float[] expectedX = ConvolutionReference.backward(topDiff, f.x, in, f.w, s, new float[f.w.length], null);
            Tally.requireClose("bottom diff", f.bottom.downloadDiff(), expectedX, tol(36), 1e-5);
            Tally.requireClose("frozen weight diff", f.layer.params().get(0).blob().downloadDiff(), wDiff, 0, 0);
            Tally.requireClose("frozen bias diff", f.layer.params().get(1).blob().downloadDiff(), bDiff, 0, 0);
        }
    }

    @Test
    void flopCounts() {
        Engine e = TestEngines.get();
        try (ConvolutionLayer layer = new ConvolutionLayer("conv", ConvolutionLayer.Spec.square(8, 3, 1, 1, 2))) {
            layer.setUp(e, List.of(new int[] {3, 4, 5, 5}));
            long forward = 2L * 3 * 8 * 25 * (2 * 9);
            assertThat(layer.forwardFlops()).isEqualTo(forward);
            assertThat(layer.backwardFlops()).isEqualTo(2 * forward + 3L * 8 * 25);
        }
    }

    @Test
    void rejectsChannelsNotDivisibleByGroup() {
        try (ConvolutionLayer layer = new ConvolutionLayer("convA", ConvolutionLayer.Spec.square(4, 3, 1, 1, 2))) {
            assertThatThrownBy(() -> layer.setUp(TestEngines.get(), List.of(new int[] {1, 3, 8, 8})))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("convA").hasMessageContaining("input channels (3)").hasMessageContaining("group (2)");
        }
    }

    @Test
    void rejectsOutputsNotDivisibleByGroup() {
        try (ConvolutionLayer layer = new ConvolutionLayer("convB", ConvolutionLayer.Spec.square(5, 3, 1, 1, 2))) {
            assertThatThrownBy(() -> layer.setUp(TestEngines.get(), List.of(new int[] {1, 4, 8, 8})))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("convB").hasMessageContaining("num_output (5)");
        }
    }

    @Test
    void rejectsKernelLargerThanPaddedInput() {
        ConvolutionLayer.Spec s = new ConvolutionLayer.Spec(4, 3, 7, 1, 1, 0, 1, 1, 1, 1, true);
        try (ConvolutionLayer layer = new ConvolutionLayer("convC", s)) {
            assertThatThrownBy(() -> layer.setUp(TestEngines.get(), List.of(new int[] {1, 2, 5, 4})))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("convC").hasMessageContaining("output width would be 0")
                    .hasMessageContaining("input 4").hasMessageContaining("kernel 7");
        }
    }

    @Test
    void rejectsBottomThatIsNot4d() {
        try (ConvolutionLayer layer = new ConvolutionLayer("convD", ConvolutionLayer.Spec.square(4, 3, 1, 1))) {
            assertThatThrownBy(() -> layer.setUp(TestEngines.get(), List.of(new int[] {2, 3, 8})))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("convD").hasMessageContaining("4-D");
        }
    }

    @Test
    void rejectsChannelChangeAfterSetUp() {
        try (ConvolutionLayer layer = new ConvolutionLayer("convE", ConvolutionLayer.Spec.square(4, 3, 1, 1))) {
            layer.setUp(TestEngines.get(), List.of(new int[] {2, 3, 8, 8}));
            layer.setUp(TestEngines.get(), List.of(new int[] {5, 3, 10, 9})); // batch and size may change
            assertThatThrownBy(() -> layer.setUp(TestEngines.get(), List.of(new int[] {2, 4, 8, 8})))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("convE").hasMessageContaining("[4, 3, 3, 3]");
        }
    }

    @Test
    void rejectsInvalidSpecs() {
        assertThatThrownBy(() -> ConvolutionLayer.Spec.square(0, 3, 1, 0)).hasMessageContaining("num_output");
        assertThatThrownBy(() -> ConvolutionLayer.Spec.square(4, 3, 0, 0)).hasMessageContaining("stride");
        assertThatThrownBy(() -> ConvolutionLayer.Spec.square(4, 3, 1, -1)).hasMessageContaining("pad");
        assertThatThrownBy(() -> new ConvolutionLayer.Spec(4, 3, 3, 1, 1, 0, 0, 0, 1, 1, true)).hasMessageContaining("dilation");
        assertThatThrownBy(() -> ConvolutionLayer.Spec.square(4, 0, 1, 0)).hasMessageContaining("kernel");
    }
}
