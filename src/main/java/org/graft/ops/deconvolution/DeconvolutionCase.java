package org.graft.ops.deconvolution;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.ops.convolution.ConvolutionCase;
import org.graft.ops.convolution.ConvolutionLayer.Spec;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link DeconvolutionLayer} forward and backward against {@link DeconvolutionReference}, and its gradient check.
 * Tolerances are convolution's ({@link ConvolutionCase#tol}, a 4× margin over float32's accumulation error of a
 * sum of n products of values in [-1, 1]): n is C/group·kh·kw for the top, OC/group·kh·kw for the bottom diff,
 * N·H·W for the weight diff and N·OH·OW for the bias diff; plus {@link ConvolutionCase#REL} relative.
 * "one image per step" shapes force the workspace down to one image, the others take the whole batch in one step.
 */
public final class DeconvolutionCase {
    public record Shape(int[] in, Spec spec, boolean oneImagePerStep) {
        @Override
        public String toString() {
            Spec s = spec;
            return String.format("in=%s oc=%d k=%dx%d s=%dx%d p=%dx%d d=%dx%d g=%d%s%s", RandomData.shape(in), s.numOutput(),
                    s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW(),
                    s.group(), s.biasTerm() ? "" : " no bias", oneImagePerStep ? " one image per step" : "");
        }
    }

    /** Awkward shapes, the most telling first. */
    public static final List<Shape> AWKWARD = List.of(
            shape(1, 3, 5, 5, 3, 4, 4, 2, 2, 1, 1, 1, 1, 3, false, false),  // FCN's upsampling by 2, per channel, batch 1
            shape(3, 6, 4, 5, 9, 3, 2, 2, 3, 1, 0, 1, 2, 3, true, false),   // 3 groups, everything asymmetric
            shape(3, 4, 5, 6, 6, 3, 3, 2, 2, 1, 1, 1, 1, 2, true, true),    // 2 groups, one image per step
            shape(2, 4, 7, 7, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1, true, false),   // 1x1 kernel
            shape(2, 5, 6, 3, 4, 3, 3, 1, 1, 1, 1, 2, 2, 1, true, false),   // dilation 2
            shape(2, 2, 3, 4, 3, 3, 3, 3, 3, 0, 0, 1, 1, 1, true, false),   // stride 3 = kernel: output 3x the input
            shape(2, 3, 4, 4, 2, 1, 1, 2, 2, 0, 0, 1, 1, 1, true, true),    // stride > kernel: gaps that hold only the bias
            shape(1, 1, 1, 1, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1, true, false),   // 1x1 input spreads to a 3x3 output
            shape(2, 6, 3, 3, 6, 2, 2, 2, 2, 0, 0, 1, 1, 6, false, false),  // depthwise, exact 2x
            shape(2, 3, 6, 5, 2, 5, 5, 1, 1, 3, 2, 1, 1, 1, true, false),   // big pad: output smaller than the input
            shape(4, 1, 9, 9, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, true, true),    // one channel, odd sizes
            shape(2, 2, 5, 7, 7, 2, 4, 3, 2, 2, 1, 2, 1, 1, true, false));  // everything unequal across axes

    /** Gradient-check shapes (with bias). */
    public static final List<Shape> GRADIENT = List.of(
            shape(1, 4, 3, 3, 4, 3, 3, 2, 2, 1, 1, 1, 1, 2, true, false),
            shape(2, 3, 3, 4, 2, 2, 3, 2, 1, 0, 1, 1, 2, 1, true, true),
            shape(2, 2, 2, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, true, false));

    private DeconvolutionCase() {
    }

    private static Shape shape(int n, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw,
                               int dh, int dw, int group, boolean bias, boolean oneImagePerStep) {
        return new Shape(new int[] {n, c, h, w}, new Spec(oc, kh, kw, sh, sw, ph, pw, dh, dw, group, bias), oneImagePerStep);
    }

    /** A random valid shape. */
    public static Shape random(Random r) {
        while (true) {
            int group = 1 + r.nextInt(3);
            int[] in = {1 + r.nextInt(3), group * (1 + r.nextInt(4)), 1 + r.nextInt(8), 1 + r.nextInt(8)};
            Spec s = new Spec(group * (1 + r.nextInt(4)), 1 + r.nextInt(4), 1 + r.nextInt(4), 1 + r.nextInt(3), 1 + r.nextInt(3),
                    r.nextInt(3), r.nextInt(3), 1 + r.nextInt(2), 1 + r.nextInt(2), group, r.nextBoolean());
            int[] out = DeconvolutionReference.outShape(in, s);
            if (out[2] >= 1 && out[3] >= 1) {
                return new Shape(in, s, r.nextBoolean());
            }
        }
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Deconvolution", "1e-5+3e-7*terms + 1e-5*|ref|", (e, effort, r, t) -> {
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
        return SelfTestCase.of("Deconvolution gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (Shape s : effort.gradient(GRADIENT)) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    private static DeconvolutionLayer layer(Shape s) {
        return s.oneImagePerStep() ? new DeconvolutionLayer("deconv", s.spec(), 1) : new DeconvolutionLayer("deconv", s.spec());
    }

    /** Forward, then backward onto non-zero parameter diffs (which must be added to) and a stale bottom diff. */
    public static void check(Engine e, Shape shape, long seed, Tally t) {
        Random r = new Random(seed);
        int[] in = shape.in();
        Spec s = shape.spec();
        DeconvolutionLayer layer = layer(shape);
        try (LayerRig rig = LayerRig.of(e, layer, in)) {
            int[] out = DeconvolutionReference.outShape(in, s);
            t.require(Arrays.equals(rig.top(0).shape(), out),
                    "top shape " + Arrays.toString(rig.top(0).shape()) + ", expected " + Arrays.toString(out));
            t.require(layer.imagesPerStep() == (shape.oneImagePerStep() ? 1 : in[0]), "images per step " + layer.imagesPerStep());
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -1, 1);
            float[] w = RandomData.uniform(r, rig.param(0).count(), -1, 1);
            float[] b = s.biasTerm() ? RandomData.uniform(r, s.numOutput(), -1, 1) : null;
            rig.bottom(0).upload(x);
            rig.param(0).upload(w);
            if (b != null) {
                rig.param(1).upload(b);
            }
            rig.forward(Pass.test());
            long topTerms = (long) (in[1] / s.group()) * s.kernelH() * s.kernelW();
            t.compare("forward", rig.top(0).download(), DeconvolutionReference.forward(x, in, w, b, s),
                    ConvolutionCase.tol(topTerms), ConvolutionCase.REL);

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
            float[] expectedX = DeconvolutionReference.backward(topDiff, x, in, w, s, expectedW, expectedB);
            long xTerms = (long) (s.numOutput() / s.group()) * s.kernelH() * s.kernelW();
            t.compare("bottom diff", rig.bottom(0).downloadDiff(), expectedX, ConvolutionCase.tol(xTerms), ConvolutionCase.REL);
            t.compare("weight diff", rig.param(0).downloadDiff(), expectedW, ConvolutionCase.tol((long) in[0] * in[2] * in[3]),
                    ConvolutionCase.REL);
            if (expectedB != null) {
                t.compare("bias diff", rig.param(1).downloadDiff(), expectedB, ConvolutionCase.tol((long) out[0] * out[2] * out[3]),
                        ConvolutionCase.REL);
            }
        }
    }

    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, layer(s), s.in())) {
            rig.bottom(0).upload(RandomData.uniform(r, rig.bottom(0).count(), -1, 1));
            for (int p = 0; p < rig.layer().params().size(); p++) {
                rig.param(p).upload(RandomData.uniform(r, rig.param(p).count(), -1, 1));
            }
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }
}
