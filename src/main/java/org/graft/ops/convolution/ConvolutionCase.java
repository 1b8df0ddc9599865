package org.graft.ops.convolution;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Pass;
import org.graft.layers.ReluFusable;
import org.graft.ops.Cases;
import org.graft.ops.convolution.ConvolutionLayer.Spec;
import org.graft.ops.relu.ReLUReference;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link ConvolutionLayer} forward and backward against {@link ConvolutionReference}, and its
 * gradient check. Tolerance for a sum of n products
 * of values in [-1, 1]: 1e-5 + 3e-7*n absolute plus 1e-5 relative, a 4× margin over float32's
 * n*2^-24 accumulation error; n is C/group*KH*KW for the forward pass, OC/group*KH*KW for the bottom
 * diff, N*OH*OW for the weight and bias diffs.
 */
public final class ConvolutionCase {
    public static final double REL = 1e-5;

    public record Shape(int[] in, Spec spec) {
        @Override
        public String toString() {
            return describe(in, spec);
        }
    }

    /** Awkward shapes, the most telling first. */
    public static final List<Shape> AWKWARD = List.of(
            shape(3, 6, 7, 9, 9, 2, 4, 3, 2, 0, 1, 2, 1, 3, true),     // 3 groups, everything asymmetric
            shape(1, 3, 7, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),     // batch 1
            shape(2, 4, 13, 13, 6, 3, 3, 1, 1, 2, 2, 2, 2, 1, true),   // dilation 2
            shape(2, 5, 9, 11, 7, 3, 3, 1, 1, 0, 0, 1, 1, 1, true),    // odd sizes, no padding
            shape(3, 7, 6, 5, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1, true),     // 1x1 kernel
            shape(2, 3, 11, 13, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, true),   // stride 2
            shape(2, 3, 17, 14, 4, 5, 5, 3, 3, 2, 2, 1, 1, 1, false),  // stride 3, no bias
            shape(2, 3, 10, 12, 5, 3, 5, 2, 1, 1, 2, 1, 1, 1, true),   // asymmetric kernel, stride, pad
            shape(2, 6, 9, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2, true),     // 2 groups
            shape(2, 5, 8, 8, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5, true),     // depthwise
            shape(1, 6, 8, 7, 12, 3, 3, 2, 2, 1, 1, 1, 1, 6, true),    // depthwise, 2 outputs per channel
            shape(2, 3, 5, 5, 2, 5, 5, 1, 1, 0, 0, 1, 1, 1, true),     // kernel covers the image: 1x1 output
            shape(4, 1, 28, 28, 20, 5, 5, 1, 1, 0, 0, 1, 1, 1, true),  // MNIST-like
            shape(1, 2, 4, 4, 3, 3, 3, 4, 4, 2, 2, 1, 1, 1, true),     // stride larger than kernel, outputs in the padding
            shape(2, 7, 6, 6, 7, 1, 1, 2, 2, 0, 0, 1, 1, 7, false),    // 1x1 depthwise with stride
            shape(1, 5, 12, 13, 9, 1, 1, 1, 1, 0, 0, 1, 1, 1, false),  // 1x1 (GEMM straight on NCHW), batch 1, no bias
            shape(4, 6, 7, 9, 2, 1, 1, 1, 1, 0, 0, 2, 2, 1, true),     // 1x1 with a dilation (which changes nothing): direct
            shape(2, 4, 5, 6, 3, 1, 1, 1, 1, 1, 2, 1, 1, 1, true),     // 1x1 with padding: im2col
            shape(3, 6, 7, 5, 4, 1, 1, 2, 2, 0, 0, 1, 1, 1, true),     // 1x1 with stride (ResNet shortcut): im2col
            shape(2, 4, 5, 5, 6, 1, 1, 1, 1, 0, 0, 1, 1, 2, true),     // 1x1 in 2 groups: im2col
            shape(3, 16, 3, 2, 16, 1, 1, 1, 1, 0, 0, 1, 1, 1, true));  // 1x1, weights outweigh the pixels: im2col

    /** Shapes checked with a fused ReLU: a few of each path (im2col; 1x1 straight on NCHW), with and without bias. */
    public static final List<Shape> FUSED = List.of(
            AWKWARD.get(0), AWKWARD.get(1), AWKWARD.get(4), AWKWARD.get(5), AWKWARD.get(6),
            AWKWARD.get(15), AWKWARD.get(16), AWKWARD.get(17), AWKWARD.get(18), AWKWARD.get(20));

    /** Gradient-check shapes with a fused ReLU: strided and grouped im2col, 1x1 without bias, 1x1 with. */
    public static final List<Shape> FUSED_GRADIENT = List.of(
            shape(1, 4, 6, 5, 4, 3, 3, 2, 2, 1, 1, 1, 1, 2, true),
            shape(2, 3, 5, 5, 3, 1, 1, 1, 1, 0, 0, 1, 1, 1, false),
            shape(2, 3, 5, 6, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1, true));

    /** Gradient-check shapes (with bias). */
    public static final List<Shape> GRADIENT = List.of(
            shape(1, 4, 6, 5, 4, 3, 3, 2, 2, 1, 1, 1, 1, 2, true),
            shape(2, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),
            shape(2, 2, 6, 7, 3, 2, 3, 2, 1, 0, 1, 1, 2, 1, true),
            shape(2, 3, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3, true));

    private ConvolutionCase() {
    }

    private static Shape shape(int n, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw,
                               int dh, int dw, int group, boolean bias) {
        return new Shape(new int[] {n, c, h, w}, new Spec(oc, kh, kw, sh, sw, ph, pw, dh, dw, group, bias));
    }

    /** Allowed absolute error of a float sum of {@code terms} products of values in [-1, 1]. */
    public static double tol(long terms) {
        return 1e-5 + 3e-7 * terms;
    }

    /** A random valid shape. */
    public static Shape random(Random r) {
        while (true) {
            int group = 1 + r.nextInt(3);
            int c = group * (1 + r.nextInt(4));
            int oc = group * (1 + r.nextInt(4));
            int[] in = {1 + r.nextInt(3), c, 3 + r.nextInt(10), 3 + r.nextInt(10)};
            Spec s = new Spec(oc, 1 + r.nextInt(4), 1 + r.nextInt(4), 1 + r.nextInt(3), 1 + r.nextInt(3), r.nextInt(3), r.nextInt(3),
                    1 + r.nextInt(2), 1 + r.nextInt(2), group, r.nextBoolean());
            int[] out = ConvolutionReference.outShape(in, s);
            if (out[2] >= 1 && out[3] >= 1) {
                return new Shape(in, s);
            }
        }
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Convolution", "1e-5+3e-7*terms + 1e-5*|ref|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = random(r);
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Convolution gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (Shape s : effort.gradient(GRADIENT)) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    /** The fused Convolution + ReLU (see {@link org.graft.layers.ReluFusable}) against the reference and ReLU. */
    public static SelfTestCase fusedRelu() {
        return SelfTestCase.of("Convolution+ReLU", "1e-5+3e-7*terms + 1e-5*|ref|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(FUSED)) {
                t.run(s.toString(), () -> check(e, s, true, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = random(r);
                t.run(s.toString(), () -> check(e, s, true, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase fusedReluGradient() {
        return SelfTestCase.of("Convolution+ReLU gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (Shape s : effort.gradient(FUSED_GRADIENT)) {
                t.run(s.toString(), () -> fusedGradient(e, s, r.nextLong(), t));
            }
        });
    }

    /** {@link ConvolutionLayer} against {@link ConvolutionReference}; the weight diff sums over N·OH·OW. */
    public static void check(Engine e, Shape shape, long seed, Tally t) {
        check(e, shape, false, seed, t);
    }

    /** As {@link #check(Engine, Shape, long, Tally)}, with the ReLU fused into the layer when {@code relu}. */
    public static void check(Engine e, Shape shape, boolean relu, long seed, Tally t) {
        int[] out = ConvolutionReference.outShape(shape.in(), shape.spec());
        ConvolutionLayer layer = new ConvolutionLayer("conv", shape.spec());
        layer.fuseRelu(relu);
        check(e, layer, shape.in(), REFERENCE, (long) out[0] * out[2] * out[3], seed, t);
    }

    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        gradient(e, new ConvolutionLayer("conv", s.spec()), s.in(), seed, t);
    }

    /** The plain-Java reference of a convolution layer (Convolution's, Deconvolution's): shapes and both passes. */
    public record Reference(BiFunction<int[], Spec, int[]> outShape, Forward forward, Backward backward) {
        @FunctionalInterface
        public interface Forward {
            float[] run(float[] x, int[] in, float[] weights, float[] bias, Spec s);
        }

        /** Returns the bottom diff and ADDS to weightDiff and biasDiff (may be null). */
        @FunctionalInterface
        public interface Backward {
            float[] run(float[] topDiff, float[] x, int[] in, float[] weights, Spec s, float[] weightDiff, float[] biasDiff);
        }
    }

    private static final Reference REFERENCE = new Reference(ConvolutionReference::outShape, ConvolutionReference::forward,
            ConvolutionReference::backward);

    /**
     * Forward, then backward onto non-zero parameter diffs (which must be added to) and a stale bottom diff, for
     * either convolution layer; {@code weightTerms} is the number of products summed into one weight diff.
     */
    public static void check(Engine e, BaseConvolutionLayer layer, int[] in, Reference ref, long weightTerms, long seed, Tally t) {
        Random r = new Random(seed);
        Spec s = layer.settings();
        try (LayerRig rig = LayerRig.of(e, layer, in)) {
            int[] out = ref.outShape().apply(in, s);
            t.require(Arrays.equals(rig.top(0).shape(), out),
                    "top shape " + Arrays.toString(rig.top(0).shape()) + ", expected " + Arrays.toString(out));
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -1, 1);
            float[] w = RandomData.uniform(r, rig.param(0).count(), -1, 1);
            float[] b = s.biasTerm() ? RandomData.uniform(r, s.numOutput(), -1, 1) : null;
            rig.bottom(0).upload(x);
            rig.param(0).upload(w);
            if (b != null) {
                rig.param(1).upload(b);
            }
            long kTerms = (long) (in[1] / s.group()) * s.kernelH() * s.kernelW();
            long pixelTerms = (long) out[0] * out[2] * out[3];
            boolean relu = layer instanceof ReluFusable f && f.reluFused();
            rig.forward(Pass.test());
            float[] top = rig.top(0).download();
            float[] expectedTop = ref.forward().run(x, in, w, b, s);
            t.compare(relu ? "forward with ReLU" : "forward", top, relu ? ReLUReference.forward(expectedTop, 0f) : expectedTop, tol(kTerms), REL);

            float[] topDiff = RandomData.uniform(r, rig.top(0).count(), -1, 1);
            float[] wDiff = RandomData.uniform(r, w.length, -1, 1);
            float[] bDiff = b != null ? RandomData.uniform(r, s.numOutput(), -1, 1) : null;
            rig.param(0).uploadDiff(wDiff);
            if (bDiff != null) {
                rig.param(1).uploadDiff(bDiff);
            }
            rig.bottom(0).uploadDiff(RandomData.uniform(r, rig.bottom(0).count(), 50, 60));
            rig.top(0).uploadDiff(topDiff);
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            float[] expectedW = wDiff.clone();
            float[] expectedB = bDiff != null ? bDiff.clone() : null;
            // The fused ReLU's mask is taken from the layer's own output: a value the reference puts a rounding
            // error on the other side of 0 must not count as a wrong gradient.
            float[] effectiveDiff = relu ? ReLUReference.backward(top, topDiff, 0f) : topDiff;
            float[] expectedX = ref.backward().run(effectiveDiff, x, in, w, s, expectedW, expectedB);
            long xTerms = (long) (s.numOutput() / s.group()) * s.kernelH() * s.kernelW();
            t.compare("bottom diff", rig.bottom(0).downloadDiff(), expectedX, tol(xTerms), REL);
            t.compare("weight diff", rig.param(0).downloadDiff(), expectedW, tol(weightTerms), REL);
            if (expectedB != null) {
                t.compare("bias diff", rig.param(1).downloadDiff(), expectedB, tol(pixelTerms), REL);
            }
        }
    }

    /**
     * The finite-difference check with the ReLU fused: inputs, weights and bias in [-1, 1], drawn again until
     * every pre-activation lies at least {@link #KINK_MARGIN} from 0, so that no ±h step of one value (which moves
     * an output by at most h, all factors being in [-1, 1]) crosses the ReLU's kink.
     */
    public static void fusedGradient(Engine e, Shape shape, long seed, Tally t) {
        Random r = new Random(seed);
        Spec s = shape.spec();
        ConvolutionLayer layer = new ConvolutionLayer("conv", s);
        layer.fuseRelu(true);
        try (LayerRig rig = LayerRig.of(e, layer, shape.in())) {
            for (int attempt = 0; ; attempt++) {
                float[] x = RandomData.uniform(r, rig.bottom(0).count(), -1, 1);
                float[] w = RandomData.uniform(r, rig.param(0).count(), -1, 1);
                float[] b = s.biasTerm() ? RandomData.uniform(r, s.numOutput(), -1, 1) : null;
                float[] pre = ConvolutionReference.forward(x, shape.in(), w, b, s);
                boolean clear = true;
                for (float v : pre) {
                    clear &= Math.abs(v) >= KINK_MARGIN;
                }
                if (!clear && attempt < 1000) {
                    continue;
                }
                t.require(clear, "no data with every pre-activation " + KINK_MARGIN + " away from 0 in 1000 draws");
                rig.bottom(0).upload(x);
                rig.param(0).upload(w);
                if (b != null) {
                    rig.param(1).upload(b);
                }
                break;
            }
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }

    /** Twice the gradient check's step. */
    static final double KINK_MARGIN = 2 * GradientCheck.DEFAULT_STEP;

    /** The finite-difference check of the bottom, weights and bias, all in [-1, 1]. */
    public static void gradient(Engine e, Layer layer, int[] in, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, layer, in)) {
            rig.bottom(0).upload(RandomData.uniform(r, rig.bottom(0).count(), -1, 1));
            for (int p = 0; p < rig.layer().params().size(); p++) {
                rig.param(p).upload(RandomData.uniform(r, rig.param(p).count(), -1, 1));
            }
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }

    /** A shape and settings as the case rows name them. */
    public static String describe(int[] in, Spec s) {
        return String.format("in=%s oc=%d k=%dx%d s=%dx%d p=%dx%d d=%dx%d g=%d%s", RandomData.shape(in), s.numOutput(),
                s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW(),
                s.group(), s.biasTerm() ? "" : " no bias");
    }
}
