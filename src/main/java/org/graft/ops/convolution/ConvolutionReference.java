package org.graft.ops.convolution;

/**
 * Direct (nested-loop) convolution, the reference for {@link ConvolutionLayer}. With output group
 * g = oc / (OC/group) and its input channels c = g·(C/group) + cg:
 * <pre>
 *   top[n, oc, oh, ow] = bias[oc] + Σ_{cg, i, j} W[oc, cg, i, j] · x[n, c, oh·sh − ph + i·dh, ow·sw − pw + j·dw]
 * </pre>
 * where x is zero outside the image. Backward: each product term routes dTop to both factors.
 * Sums run in double.
 */
public final class ConvolutionReference {
    private ConvolutionReference() {
    }

    /** Top shape (N, OC, OH, OW) for a bottom shape (N, C, H, W), Caffe's floor rule. */
    public static int[] outShape(int[] in, ConvolutionLayer.Spec s) {
        return new int[] {in[0], s.numOutput(),
                outSize(in[2], s.kernelH(), s.padH(), s.strideH(), s.dilationH()),
                outSize(in[3], s.kernelW(), s.padW(), s.strideW(), s.dilationW())};
    }

    private static int outSize(int in, int k, int pad, int stride, int dil) {
        return Math.floorDiv(in + 2 * pad - (dil * (k - 1) + 1), stride) + 1;
    }

    /** Forward pass; {@code bias} may be null (no bias term). */
    public static float[] forward(float[] x, int[] in, float[] weights, float[] bias, ConvolutionLayer.Spec s) {
        int[] out = outShape(in, s);
        int n = in[0], c = in[1], h = in[2], w = in[3];
        int oc = out[1], oh = out[2], ow = out[3];
        int cg = c / s.group(), ocg = oc / s.group();
        int kh = s.kernelH(), kw = s.kernelW();
        float[] top = new float[n * oc * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < oc; o++) {
                int firstChannel = (o / ocg) * cg;
                for (int y = 0; y < oh; y++) {
                    for (int xo = 0; xo < ow; xo++) {
                        double sum = bias != null ? bias[o] : 0;
                        for (int ci = 0; ci < cg; ci++) {
                            for (int i = 0; i < kh; i++) {
                                int hy = y * s.strideH() - s.padH() + i * s.dilationH();
                                if (hy < 0 || hy >= h) {
                                    continue;
                                }
                                for (int j = 0; j < kw; j++) {
                                    int wx = xo * s.strideW() - s.padW() + j * s.dilationW();
                                    if (wx < 0 || wx >= w) {
                                        continue;
                                    }
                                    float xv = x[((b * c + firstChannel + ci) * h + hy) * w + wx];
                                    float wv = weights[((o * cg + ci) * kh + i) * kw + j];
                                    sum += (double) xv * wv;
                                }
                            }
                        }
                        top[((b * oc + o) * oh + y) * ow + xo] = (float) sum;
                    }
                }
            }
        }
        return top;
    }

    /**
     * Backward pass: returns the bottom diff and ADDS to {@code weightDiff} and {@code biasDiff}
     * (the latter may be null), as the layer does.
     */
    public static float[] backward(float[] topDiff, float[] x, int[] in, float[] weights, ConvolutionLayer.Spec s,
                                   float[] weightDiff, float[] biasDiff) {
        int[] out = outShape(in, s);
        int n = in[0], c = in[1], h = in[2], w = in[3];
        int oc = out[1], oh = out[2], ow = out[3];
        int cg = c / s.group(), ocg = oc / s.group();
        int kh = s.kernelH(), kw = s.kernelW();
        double[] dx = new double[x.length];
        double[] dw = new double[weights.length];
        double[] db = new double[oc];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < oc; o++) {
                int firstChannel = (o / ocg) * cg;
                for (int y = 0; y < oh; y++) {
                    for (int xo = 0; xo < ow; xo++) {
                        double d = topDiff[((b * oc + o) * oh + y) * ow + xo];
                        db[o] += d;
                        for (int ci = 0; ci < cg; ci++) {
                            for (int i = 0; i < kh; i++) {
                                int hy = y * s.strideH() - s.padH() + i * s.dilationH();
                                if (hy < 0 || hy >= h) {
                                    continue;
                                }
                                for (int j = 0; j < kw; j++) {
                                    int wx = xo * s.strideW() - s.padW() + j * s.dilationW();
                                    if (wx < 0 || wx >= w) {
                                        continue;
                                    }
                                    int xi = ((b * c + firstChannel + ci) * h + hy) * w + wx;
                                    int wi = ((o * cg + ci) * kh + i) * kw + j;
                                    dx[xi] += d * weights[wi];
                                    dw[wi] += d * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < dw.length; i++) {
            weightDiff[i] += (float) dw[i];
        }
        if (biasDiff != null) {
            for (int i = 0; i < oc; i++) {
                biasDiff[i] += (float) db[i];
            }
        }
        float[] bottomDiff = new float[x.length];
        for (int i = 0; i < dx.length; i++) {
            bottomDiff[i] = (float) dx[i];
        }
        return bottomDiff;
    }
}
