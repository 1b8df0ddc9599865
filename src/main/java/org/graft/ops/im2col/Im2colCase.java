package org.graft.ops.im2col;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.kernels.Im2col;
import org.graft.opencl.ClBuffer;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link Im2col}'s kernels against {@link Im2colReference}, as Im2colTest. Tolerances (Im2colTest's):
 * im2col and the layout permutations only copy, so they must be exact; col2im sums at most KH*KW values
 * of size ≤ 1 per pixel in another order than the reference, 1e-6 absolute; row sums add ≤ 2*37
 * values in [-1, 1] in float, 1e-5 absolute.
 */
public final class Im2colCase {
    public static final double COL2IM_ABS = 1e-6;
    public static final double ROW_SUM_ABS = 1e-5;

    /** images, geometry. */
    public record Shape(int images, Im2col.Geometry g) {
        @Override
        public String toString() {
            return String.format("images=%d C=%d %dx%d k=%dx%d pad=%dx%d stride=%dx%d dil=%dx%d", images, g.channels(),
                    g.height(), g.width(), g.kernelH(), g.kernelW(), g.padH(), g.padW(), g.strideH(), g.strideW(),
                    g.dilationH(), g.dilationW());
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            shape(2, 3, 11, 9, 5, 3, 2, 1, 2, 3, 1, 1),
            shape(2, 2, 9, 10, 3, 3, 2, 2, 1, 1, 2, 2),
            shape(1, 2, 3, 3, 3, 3, 4, 4, 4, 4, 1, 1),
            shape(1, 1, 5, 5, 3, 3, 0, 0, 1, 1, 1, 1),
            shape(3, 2, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1),
            shape(1, 4, 6, 7, 1, 1, 0, 0, 2, 2, 1, 1),
            shape(2, 3, 8, 8, 4, 2, 1, 0, 3, 2, 2, 1),
            // more than Im2col.MAX_UNROLLED_TAPS taps: the runtime-geometry kernel variant
            shape(1, 2, 12, 11, 9, 9, 4, 4, 1, 1, 1, 1),
            shape(2, 3, 13, 12, 11, 8, 2, 3, 3, 2, 1, 1));

    private Im2colCase() {
    }

    private static Shape shape(int images, int c, int h, int w, int kh, int kw, int ph, int pw, int sh, int sw, int dh, int dw) {
        return new Shape(images, new Im2col.Geometry(c, h, w, kh, kw, ph, pw, sh, sw, dh, dw));
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Im2col", "exact; col2im 1e-6; row sums 1e-5", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            int drawn = 0;
            while (drawn < effort.randomShapes()) {
                Shape s = shape(1 + r.nextInt(3), 1 + r.nextInt(5), 1 + r.nextInt(14), 1 + r.nextInt(14), 1 + r.nextInt(5),
                        1 + r.nextInt(5), r.nextInt(3), r.nextInt(3), 1 + r.nextInt(3), 1 + r.nextInt(3), 1 + r.nextInt(2), 1 + r.nextInt(2));
                if (s.g().outH() >= 1 && s.g().outW() >= 1) {
                    drawn++;
                    t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
                }
            }
            t.run("NCHW <-> GEMM layout with bias and ReLU, 5 channels x 6 pixels x 3 images", () -> checkPermutations(e, r.nextLong(), t));
            t.run("row sums 3x37 in 8 slices", () -> checkRowSums(e, r.nextLong(), t));
        });
    }

    /** im2col and col2im of images starting at a float offset (the layer passes chunks of a batch). */
    public static void check(Engine e, Shape s, long seed, Tally t) {
        Im2col.Geometry g = s.g();
        int images = s.images();
        Random r = new Random(seed);
        int inOff = 5;
        float[] in = RandomData.uniform(r, inOff + images * g.channels() * g.inPixels(), -1, 1);
        float[] image = Arrays.copyOfRange(in, inOff, in.length);
        int colCount = g.colRows() * images * g.outPixels();
        float[] col = RandomData.uniform(r, colCount, -1, 1);
        try (ClBuffer dIn = e.alloc(in.length, "in"); ClBuffer dCol = e.alloc(colCount, "col"); ClBuffer dOut = e.alloc(in.length, "out")) {
            e.cl().writeFloats(dIn, in);
            Im2col.im2col(e, g, images, dIn, inOff, dCol);
            t.compare("im2col", e.cl().readFloats(dCol, colCount), Im2colReference.im2col(g, images, image), 0, 0);

            e.cl().writeFloats(dCol, col);
            e.cl().writeFloats(dOut, new float[in.length]);
            Im2col.col2im(e, g, images, dCol, dOut, inOff);
            float[] got = e.cl().readFloats(dOut, in.length);
            t.compare("col2im must not write before its offset", Arrays.copyOf(got, inOff), new float[inOff], 0, 0);
            t.compare("col2im", Arrays.copyOfRange(got, inOff, got.length), Im2colReference.col2im(g, images, col), COL2IM_ABS, 0);
        }
    }

    /**
     * cols (OC × images*OHW) → NCHW with a bias added and with a fused ReLU, NCHW → cols with and without a
     * ReLU mask, and the in-place bias + ReLU of 1x1 convolutions: permutations plus one add and a select,
     * so exact.
     */
    public static void checkPermutations(Engine e, long seed, Tally t) {
        Random r = new Random(seed);
        int oc = 5, ohw = 6, images = 3, off = 4, n = images * oc * ohw;
        float[] cols = RandomData.uniform(r, n, -1, 1);
        float[] bias = RandomData.uniform(r, oc, -1, 1);
        float[] diff = RandomData.uniform(r, off + n, -1, 1);
        try (ClBuffer dCols = e.alloc(n, "cols"); ClBuffer dBias = e.alloc(oc, "bias"); ClBuffer dOut = e.alloc(off + n, "out");
             ClBuffer dBack = e.alloc(n, "back"); ClBuffer dDiff = e.alloc(off + n, "diff")) {
            e.cl().writeFloats(dCols, cols);
            e.cl().writeFloats(dBias, bias);
            e.cl().writeFloats(dDiff, diff);
            for (boolean relu : new boolean[] {false, true}) {
                String what = relu ? " and ReLU" : "";
                e.cl().writeFloats(dOut, new float[off + n]);
                Im2col.colsToNchw(e, dCols, oc, ohw, images, dBias, relu, dOut, off);
                float[] got = e.cl().readFloats(dOut, off + n);
                float[] expected = Im2colReference.colsToNchw(cols, oc, ohw, images, bias, relu);
                t.compare("cols to NCHW with bias" + what + " must not write before its offset", Arrays.copyOf(got, off),
                        new float[off], 0, 0);
                t.compare("cols to NCHW with bias" + what, Arrays.copyOfRange(got, off, got.length), expected, 0, 0);

                float[] nchw = Arrays.copyOfRange(got, off, got.length);
                e.cl().writeFloats(dOut, nchw); // images as a 1x1 convolution's GEMM leaves them, from offset 0
                Im2col.biasRelu(e, dOut, oc, ohw, images, dBias, relu);
                float[] twice = Im2colReference.colsToNchw(Im2colReference.nchwToCols(nchw, oc, ohw, images, null), oc, ohw, images,
                        bias, relu);
                t.compare("in-place NCHW bias" + what, e.cl().readFloats(dOut, n), twice, 0, 0);

                // The mask is the layer's top data at the same offset as the diff.
                e.cl().writeFloats(dOut, got);
                Im2col.nchwToCols(e, dDiff, off, oc, ohw, images, relu ? dOut : null, dBack);
                t.compare("NCHW to cols" + (relu ? " masked by the ReLU output" : ""), e.cl().readFloats(dBack, n),
                        Im2colReference.nchwToCols(Arrays.copyOfRange(diff, off, diff.length), oc, ohw, images, relu ? nchw : null), 0, 0);
            }
            Im2col.colsToNchw(e, dCols, oc, ohw, images, null, false, dOut, off);
            Im2col.nchwToCols(e, dOut, off, oc, ohw, images, null, dBack);
            t.compare("NCHW to cols round trip", e.cl().readFloats(dBack, n), cols, 0, 0);
        }
    }

    /** Row sums of two matrices accumulated in slices, then added to the output. */
    public static void checkRowSums(Engine e, long seed, Tally t) {
        Random r = new Random(seed);
        int rows = 3, ncols = 37, slices = 8;
        float[] m1 = RandomData.uniform(r, rows * ncols, -1, 1);
        float[] m2 = RandomData.uniform(r, rows * ncols, -1, 1);
        float[] out = {1f, 2f, 3f};
        float[] expected = out.clone();
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < ncols; j++) {
                s += m1[i * ncols + j] + m2[i * ncols + j];
            }
            expected[i] += (float) s;
        }
        try (ClBuffer dm = e.alloc(rows * ncols, "m"); ClBuffer dp = e.alloc(rows * slices, "partial"); ClBuffer dOut = e.alloc(rows, "out")) {
            e.cl().writeFloats(dOut, out);
            e.cl().writeFloats(dp, RandomData.uniform(r, rows * slices, 100, 200)); // stale contents must be overwritten
            e.cl().writeFloats(dm, m1);
            Im2col.rowSumPartial(e, dm, rows, ncols, slices, false, dp);
            e.cl().writeFloats(dm, m2);
            Im2col.rowSumPartial(e, dm, rows, ncols, slices, true, dp);
            Im2col.rowSumFinish(e, dp, rows, slices, dOut);
            t.compare("row sums", e.cl().readFloats(dOut, rows), expected, ROW_SUM_ABS, 0);
        }
    }
}
