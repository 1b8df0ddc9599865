package org.graft.ops.deconvolution;

import org.graft.ops.convolution.ConvolutionLayer;

/**
 * Direct (nested-loop) deconvolution, the reference for {@link DeconvolutionLayer}, written as Caffe's
 * definition reads: every input value is spread over the output through the kernel. With C input channels
 * in {@code group} groups (c in group g = c / (C/group)) and its outputs o = g·(OC/group) + og:
 * <pre>
 *   top[n, o, h·sh − ph + i·dh, w·sw − pw + j·dw] += W[c, og, i, j] · x[n, c, h, w]   (inside the output only)
 *   top[n, o, ., .] += bias[o]
 * </pre>
 * with OH = sh·(H − 1) + dh·(kh − 1) + 1 − 2·ph (likewise OW). Backward: each product term routes dTop to
 * both factors. Sums run in double.
 */
public final class DeconvolutionReference {
    private DeconvolutionReference() {
    }

    /** Top shape (N, OC, OH, OW) for a bottom shape (N, C, H, W). */
    public static int[] outShape(int[] in, ConvolutionLayer.Spec s) {
        return new int[] {in[0], s.numOutput(),
                s.strideH() * (in[2] - 1) + s.dilationH() * (s.kernelH() - 1) + 1 - 2 * s.padH(),
                s.strideW() * (in[3] - 1) + s.dilationW() * (s.kernelW() - 1) + 1 - 2 * s.padW()};
    }

    /** Forward pass; {@code bias} may be null (no bias term). */
    public static float[] forward(float[] x, int[] in, float[] weights, float[] bias, ConvolutionLayer.Spec s) {
        double[] top = new double[count(outShape(in, s))];
        visit(in, s, (xi, wi, yi, o) -> top[yi] += (double) x[xi] * weights[wi]);
        int[] out = outShape(in, s);
        int plane = out[2] * out[3];
        if (bias != null) {
            for (int i = 0; i < top.length; i++) {
                top[i] += bias[(i / plane) % out[1]];
            }
        }
        return toFloat(top);
    }

    /**
     * Backward pass: returns the bottom diff and ADDS to {@code weightDiff} and {@code biasDiff} (the latter may
     * be null), as the layer does.
     */
    public static float[] backward(float[] topDiff, float[] x, int[] in, float[] weights, ConvolutionLayer.Spec s,
                                   float[] weightDiff, float[] biasDiff) {
        double[] dx = new double[x.length];
        double[] dw = new double[weights.length];
        visit(in, s, (xi, wi, yi, o) -> {
            dx[xi] += (double) topDiff[yi] * weights[wi];
            dw[wi] += (double) topDiff[yi] * x[xi];
        });
        for (int i = 0; i < dw.length; i++) {
            weightDiff[i] += (float) dw[i];
        }
        if (biasDiff != null) {
            int[] out = outShape(in, s);
            int plane = out[2] * out[3];
            double[] db = new double[out[1]];
            for (int i = 0; i < topDiff.length; i++) {
                db[(i / plane) % out[1]] += topDiff[i];
            }
            for (int o = 0; o < db.length; o++) {
                biasDiff[o] += (float) db[o];
            }
        }
        return toFloat(dx);
    }

    /** One product term: bottom index, weight index, top index, output channel. */
    private interface Term {
        void add(int xi, int wi, int yi, int o);
    }

    private static void visit(int[] in, ConvolutionLayer.Spec s, Term term) {
        int[] out = outShape(in, s);
        int n = in[0], c = in[1], h = in[2], w = in[3];
        int oc = out[1], oh = out[2], ow = out[3];
        int cg = c / s.group(), ocg = oc / s.group();
        int kh = s.kernelH(), kw = s.kernelW();
        for (int b = 0; b < n; b++) {
            for (int ci = 0; ci < c; ci++) {
                int firstOutput = (ci / cg) * ocg;
                for (int y = 0; y < h; y++) {
                    for (int xo = 0; xo < w; xo++) {
                        int xi = ((b * c + ci) * h + y) * w + xo;
                        for (int og = 0; og < ocg; og++) {
                            int o = firstOutput + og;
                            for (int i = 0; i < kh; i++) {
                                int ty = y * s.strideH() - s.padH() + i * s.dilationH();
                                if (ty < 0 || ty >= oh) {
                                    continue;
                                }
                                for (int j = 0; j < kw; j++) {
                                    int tx = xo * s.strideW() - s.padW() + j * s.dilationW();
                                    if (tx < 0 || tx >= ow) {
                                        continue;
                                    }
                                    term.add(xi, ((ci * ocg + og) * kh + i) * kw + j, ((b * oc + o) * oh + ty) * ow + tx, o);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int count(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static float[] toFloat(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }
}
