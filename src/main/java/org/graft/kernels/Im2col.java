package org.graft.kernels;

import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Launches the im2col/col2im kernels of {@code kernels/im2col.cl} for a chunk of images.
 * The column buffer has {@link Geometry#colRows()} rows and {@code images·OH·OW} columns; column
 * {@code b·OH·OW + oh·OW + ow} holds the receptive field of output pixel (oh, ow) of image b.
 */
public final class Im2col {
    static final String FILE = "im2col.cl";
    /** Largest kernel (kernel_h·kernel_w) whose tap loops are compiled in as constants. */
    static final int MAX_UNROLLED_TAPS = 64;
    /** The kernels split ids with a float quotient that is exact below this (see quotient() in im2col.cl). */
    static final long MAX_QUOTIENT_NUMERATOR = 1L << 22;

    private Im2col() {
    }

    /** Spatial geometry of one convolution (per image); output sizes follow Caffe's floor rule. */
    public record Geometry(int channels, int height, int width, int kernelH, int kernelW,
                           int padH, int padW, int strideH, int strideW, int dilationH, int dilationW) {

        public int outH() {
            return outSize(height, kernelH, padH, strideH, dilationH);
        }

        public int outW() {
            return outSize(width, kernelW, padW, strideW, dilationW);
        }

        /** floor((in + 2·pad − (dil·(k−1)+1)) / stride) + 1; may be ≤ 0 for impossible shapes. */
        public static int outSize(int in, int k, int pad, int stride, int dil) {
            int extent = dil * (k - 1) + 1;
            return Math.floorDiv(in + 2 * pad - extent, stride) + 1;
        }

        /** Rows of the column buffer: channels·kernelH·kernelW. */
        public int colRows() {
            return channels * kernelH * kernelW;
        }

        public int outPixels() {
            return outH() * outW();
        }

        public int inPixels() {
            return height * width;
        }
    }

    /** Most images one im2col/col2im launch can take: colRows·images must stay below 2^22. */
    public static int maxImages(Geometry g) {
        return (int) Math.max(0, (MAX_QUOTIENT_NUMERATOR - 1) / g.colRows());
    }

    /** col (colRows × images·OH·OW) ← patches of {@code images} NCHW images starting at float {@code inOff}. */
    public static void im2col(Engine e, Geometry g, int images, ClBuffer in, int inOff, ClBuffer col) {
        checkImages(g, images);
        ClKernel k = e.kernel(FILE, defines(g), "im2col");
        k.arg(0, in).arg(1, inOff);
        setGeometry(k, 2, g);
        k.arg(15, images).arg(16, col);
        NdRange.run(e, k, g.outW(), g.outH(), (long) g.colRows() * images);
    }

    /** out (NCHW, from float {@code outOff}) ← sum of the column entries read from each input element. Overwrites. */
    public static void col2im(Engine e, Geometry g, int images, ClBuffer col, ClBuffer out, int outOff) {
        checkImages(g, images);
        ClKernel k = e.kernel(FILE, defines(g), "col2im");
        k.arg(0, col);
        setGeometry(k, 1, g);
        k.arg(14, images).arg(15, out).arg(16, outOff);
        NdRange.run(e, k, g.width(), g.height(), (long) images * g.channels());
    }

    /**
     * out (NCHW from float {@code outOff}) ← cols (OC × images·ohw, the GEMM result) + bias[oc], through a
     * fused ReLU when {@code relu}. {@code bias} may be null for a layer without bias term.
     */
    public static void colsToNchw(Engine e, ClBuffer cols, int oc, int ohw, int images, ClBuffer bias, boolean relu,
                                  ClBuffer out, int outOff) {
        ClKernel k = e.kernel(FILE, "cols_to_nchw");
        k.arg(0, cols).arg(1, oc).arg(2, ohw).arg(3, images)
                .arg(4, bias != null ? bias : cols).arg(5, bias != null ? 1 : 0) // any valid buffer when unused
                .arg(6, relu ? 1 : 0).arg(7, out).arg(8, outOff);
        NdRange.run(e, k, ohw, oc, images);
    }

    /**
     * cols (OC × images·ohw) ← in (NCHW from float {@code inOff}): the inverse of {@link #colsToNchw} without bias.
     * With a {@code mask} (a fused ReLU's output, laid out as {@code in}) each value becomes in·(mask &gt; 0).
     */
    public static void nchwToCols(Engine e, ClBuffer in, int inOff, int oc, int ohw, int images, ClBuffer mask,
                                  ClBuffer cols) {
        ClKernel k = e.kernel(FILE, "nchw_to_cols");
        k.arg(0, in).arg(1, inOff).arg(2, oc).arg(3, ohw).arg(4, images)
                .arg(5, mask != null ? mask : in).arg(6, mask != null ? 1 : 0).arg(7, cols);
        NdRange.run(e, k, ohw, oc, images);
    }

    /** In place on {@code images} NCHW images: + bias[oc] (null: none), then a fused ReLU when {@code relu}. */
    public static void biasRelu(Engine e, ClBuffer out, int oc, int ohw, int images, ClBuffer bias, boolean relu) {
        ClKernel k = e.kernel(FILE, "nchw_bias_relu");
        k.arg(0, out).arg(1, oc).arg(2, ohw).arg(3, images)
                .arg(4, bias != null ? bias : out).arg(5, bias != null ? 1 : 0).arg(6, relu ? 1 : 0);
        NdRange.run(e, k, ohw, oc, images);
    }

    /**
     * First stage of the row sums of m (rows × ncols): partial (rows × slices) ← strided partial sums,
     * added to the previous contents when {@code accumulate} (several chunks feed one sum).
     */
    public static void rowSumPartial(Engine e, ClBuffer m, int rows, int ncols, int slices, boolean accumulate,
                                     ClBuffer partial) {
        ClKernel k = e.kernel(FILE, "row_sum_partial");
        k.arg(0, m).arg(1, rows).arg(2, ncols).arg(3, slices).arg(4, accumulate ? 1 : 0).arg(5, partial);
        e.run(k, new long[] {slices, rows}, null);
    }

    /** Second stage: out[r] += Σ_s partial[r·slices + s]. */
    public static void rowSumFinish(Engine e, ClBuffer partial, int rows, int slices, ClBuffer out) {
        ClKernel k = e.kernel(FILE, "row_sum_finish");
        k.arg(0, partial).arg(1, rows).arg(2, slices).arg(3, out);
        e.run1d(k, rows);
    }

    private static void checkImages(Geometry g, int images) {
        if (images > maxImages(g)) {
            throw new IllegalArgumentException("im2col/col2im: " + images + " images of " + g.colRows()
                    + " column rows each exceed the " + maxImages(g) + " images one launch can index");
        }
    }

    /**
     * Kernel size and stride as compile-time constants for small kernels, so col2im's tap loops unroll
     * (and vectorise on CPUs); large kernels keep runtime loops rather than huge unrolled code.
     */
    static String defines(Geometry g) {
        if ((long) g.kernelH() * g.kernelW() > MAX_UNROLLED_TAPS) {
            return "";
        }
        return "-DFIXED_KH=" + g.kernelH() + " -DFIXED_KW=" + g.kernelW()
                + " -DFIXED_SH=" + g.strideH() + " -DFIXED_SW=" + g.strideW();
    }

    /** Sets C, H, W, KH, KW, padH, padW, strideH, strideW, dilH, dilW, OH, OW from argument {@code first}. */
    private static void setGeometry(ClKernel k, int first, Geometry g) {
        k.arg(first, g.channels()).arg(first + 1, g.height()).arg(first + 2, g.width())
                .arg(first + 3, g.kernelH()).arg(first + 4, g.kernelW())
                .arg(first + 5, g.padH()).arg(first + 6, g.padW())
                .arg(first + 7, g.strideH()).arg(first + 8, g.strideW())
                .arg(first + 9, g.dilationH()).arg(first + 10, g.dilationW())
                .arg(first + 11, g.outH()).arg(first + 12, g.outW());
    }
}
