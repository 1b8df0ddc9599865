package org.graft.ops.im2col;

import org.graft.kernels.Im2col;
import org.graft.ops.relu.ReLUReference;

/**
 * Plain-Java im2col and col2im for {@code kernels/im2col.cl}. The column matrix has one row per
 * (channel, kernel row i, kernel column j), row = (c·KH + i)·KW + j, and one column per (image, output
 * pixel), col = b·OH·OW + oh·OW + ow; the entry is the input pixel at
 * (oh·strideH − padH + i·dilationH, ow·strideW − padW + j·dilationW), or 0 outside the image.
 * col2im is the adjoint: each column entry is added back onto the pixel it came from.
 */
public final class Im2colReference {
    private Im2colReference() {
    }

    public static float[] im2col(Im2col.Geometry g, int images, float[] in) {
        float[] col = new float[g.colRows() * images * g.outPixels()];
        walk(g, images, (colIndex, inIndex) -> col[colIndex] = inIndex >= 0 ? in[inIndex] : 0f);
        return col;
    }

    public static float[] col2im(Im2col.Geometry g, int images, float[] col) {
        float[] out = new float[images * g.channels() * g.inPixels()];
        walk(g, images, (colIndex, inIndex) -> {
            if (inIndex >= 0) {
                out[inIndex] += col[colIndex];
            }
        });
        return out;
    }

    /** NCHW (images × oc × ohw) from cols (oc × images·ohw), + bias[oc] (null: none), then ReLU when {@code relu}. */
    public static float[] colsToNchw(float[] cols, int oc, int ohw, int images, float[] bias, boolean relu) {
        float[] out = new float[images * oc * ohw];
        for (int b = 0; b < images; b++) {
            for (int o = 0; o < oc; o++) {
                for (int p = 0; p < ohw; p++) {
                    float v = cols[(o * images + b) * ohw + p] + (bias != null ? bias[o] : 0f);
                    out[(b * oc + o) * ohw + p] = v;
                }
            }
        }
        return relu ? ReLUReference.forward(out, 0f) : out;
    }

    /** cols (oc × images·ohw) from NCHW {@code in}, masked by the ReLU output {@code mask} (the ReLU's backward) unless null. */
    public static float[] nchwToCols(float[] in, int oc, int ohw, int images, float[] mask) {
        float[] v = mask != null ? ReLUReference.backward(mask, in, 0f) : in;
        float[] cols = new float[in.length];
        for (int b = 0; b < images; b++) {
            for (int o = 0; o < oc; o++) {
                for (int p = 0; p < ohw; p++) {
                    cols[(o * images + b) * ohw + p] = v[(b * oc + o) * ohw + p];
                }
            }
        }
        return cols;
    }

    private interface Visit {
        /** {@code inIndex} is −1 where the patch lies in the padding. */
        void at(int colIndex, int inIndex);
    }

    private static void walk(Im2col.Geometry g, int images, Visit v) {
        int oh = g.outH();
        int ow = g.outW();
        int ncols = images * oh * ow;
        for (int c = 0; c < g.channels(); c++) {
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    int row = (c * g.kernelH() + i) * g.kernelW() + j;
                    for (int b = 0; b < images; b++) {
                        for (int y = 0; y < oh; y++) {
                            int h = y * g.strideH() - g.padH() + i * g.dilationH();
                            for (int x = 0; x < ow; x++) {
                                int w = x * g.strideW() - g.padW() + j * g.dilationW();
                                boolean inside = h >= 0 && h < g.height() && w >= 0 && w < g.width();
                                v.at(row * ncols + (b * oh + y) * ow + x,
                                        inside ? ((b * g.channels() + c) * g.height() + h) * g.width() + w : -1);
                            }
                        }
                    }
                }
            }
        }
    }
}
