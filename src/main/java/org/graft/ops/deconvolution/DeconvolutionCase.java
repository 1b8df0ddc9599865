package org.graft.ops.deconvolution;

import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.ops.Cases;
import org.graft.ops.convolution.ConvolutionCase;
import org.graft.ops.convolution.ConvolutionLayer.Spec;
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
            return ConvolutionCase.describe(in, spec) + (oneImagePerStep ? " one image per step" : "");
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

    private static final ConvolutionCase.Reference REFERENCE = new ConvolutionCase.Reference(DeconvolutionReference::outShape,
            DeconvolutionReference::forward, DeconvolutionReference::backward);

    /** Convolution's check with the deconvolution's reference; the weight diff sums over N·H·W (the bottom's pixels). */
    public static void check(Engine e, Shape shape, long seed, Tally t) {
        DeconvolutionLayer layer = layer(shape);
        int[] in = shape.in();
        ConvolutionCase.check(e, layer, in, REFERENCE, (long) in[0] * in[2] * in[3], seed, t);
        t.require(layer.imagesPerStep() == (shape.oneImagePerStep() ? 1 : in[0]), "images per step " + layer.imagesPerStep());
    }

    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        ConvolutionCase.gradient(e, layer(s), s.in(), seed, t);
    }
}
