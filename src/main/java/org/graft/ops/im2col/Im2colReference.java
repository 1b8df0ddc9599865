package org.graft.ops.im2col;

import org.graft.kernels.Im2col;

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
