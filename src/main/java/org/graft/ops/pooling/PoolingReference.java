package org.graft.ops.pooling;

/**
 * Plain-Java max and average pooling, as Caffe's {@code PoolingLayer} (CPU path), on N×C×H×W arrays.
 *
 * <p>Window (ph, pw) spans padded rows [ph·strideH − padH, ph·strideH − padH + kernelH) and the
 * columns likewise.
 * <ul>
 * <li><b>MAX</b>: scans the window clipped to the image in row-major order, starting from −FLT_MAX
 * with index −1, and keeps the first maximum (strict &gt;); padded cells are never candidates. The
 * argmax is h·W + w within the channel plane; backward adds each top diff to that one input.</li>
 * <li><b>AVE</b>: the divisor is the window clipped to [−pad, in + pad), so padded cells within the
 * padding count; the sum runs over the window clipped to the image. Backward adds dy / divisor to
 * every input of the clipped window.</li>
 * </ul>
 * The output size rule lives in {@code PoolingLayer.pooledSize}; here the pooled sizes are given.
 */
public final class PoolingReference {
    private PoolingReference() {
    }

    /** Shapes and window parameters of one pooling; pooled sizes as the layer computed them. */
    public record Geometry(int num, int channels, int height, int width, int pooledH, int pooledW,
                           int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        int planes() {
            return num * channels;
        }

        public int bottomCount() {
            return planes() * height * width;
        }

        public int topCount() {
            return planes() * pooledH * pooledW;
        }
    }

    /** Max pooling; fills {@code argmax} (one entry per output) with the chosen in-plane index. */
    public static float[] maxForward(Geometry g, float[] x, int[] argmax) {
        float[] y = new float[g.topCount()];
        for (int p = 0; p < g.planes(); p++) {
            int in = p * g.height() * g.width();
            int out = p * g.pooledH() * g.pooledW();
            for (int ph = 0; ph < g.pooledH(); ph++) {
                for (int pw = 0; pw < g.pooledW(); pw++) {
                    int hstart = ph * g.strideH() - g.padH();
                    int wstart = pw * g.strideW() - g.padW();
                    int hend = Math.min(hstart + g.kernelH(), g.height());
                    int wend = Math.min(wstart + g.kernelW(), g.width());
                    float best = -Float.MAX_VALUE;
                    int bestIndex = -1;
                    for (int h = Math.max(hstart, 0); h < hend; h++) {
                        for (int w = Math.max(wstart, 0); w < wend; w++) {
                            float v = x[in + h * g.width() + w];
                            if (v > best) {
                                best = v;
                                bestIndex = h * g.width() + w;
                            }
                        }
                    }
                    y[out + ph * g.pooledW() + pw] = best;
                    argmax[out + ph * g.pooledW() + pw] = bestIndex;
                }
            }
        }
        return y;
    }

    /** dx for max pooling: each top diff goes to the input its window chose. */
    public static float[] maxBackward(Geometry g, float[] dy, int[] argmax) {
        double[] dx = new double[g.bottomCount()];
        for (int p = 0; p < g.planes(); p++) {
            int in = p * g.height() * g.width();
            int out = p * g.pooledH() * g.pooledW();
            for (int i = 0; i < g.pooledH() * g.pooledW(); i++) {
                int chosen = argmax[out + i];
                if (chosen >= 0) {
                    dx[in + chosen] += dy[out + i];
                }
            }
        }
        return toFloats(dx);
    }

    public static float[] aveForward(Geometry g, float[] x) {
        float[] y = new float[g.topCount()];
        for (int p = 0; p < g.planes(); p++) {
            int in = p * g.height() * g.width();
            int out = p * g.pooledH() * g.pooledW();
            for (int ph = 0; ph < g.pooledH(); ph++) {
                for (int pw = 0; pw < g.pooledW(); pw++) {
                    Window win = window(g, ph, pw);
                    double sum = 0;
                    for (int h = win.h0; h < win.h1; h++) {
                        for (int w = win.w0; w < win.w1; w++) {
                            sum += x[in + h * g.width() + w];
                        }
                    }
                    y[out + ph * g.pooledW() + pw] = (float) (sum / win.divisor);
                }
            }
        }
        return y;
    }

    public static float[] aveBackward(Geometry g, float[] dy) {
        double[] dx = new double[g.bottomCount()];
        for (int p = 0; p < g.planes(); p++) {
            int in = p * g.height() * g.width();
            int out = p * g.pooledH() * g.pooledW();
            for (int ph = 0; ph < g.pooledH(); ph++) {
                for (int pw = 0; pw < g.pooledW(); pw++) {
                    Window win = window(g, ph, pw);
                    double share = dy[out + ph * g.pooledW() + pw] / (double) win.divisor;
                    for (int h = win.h0; h < win.h1; h++) {
                        for (int w = win.w0; w < win.w1; w++) {
                            dx[in + h * g.width() + w] += share;
                        }
                    }
                }
            }
        }
        return toFloats(dx);
    }

    /** The AVE window: image rows/columns summed and Caffe's divisor (window clipped to in + pad). */
    private record Window(int h0, int h1, int w0, int w1, int divisor) {
    }

    private static Window window(Geometry g, int ph, int pw) {
        int hstart = ph * g.strideH() - g.padH();
        int wstart = pw * g.strideW() - g.padW();
        int hend = Math.min(hstart + g.kernelH(), g.height() + g.padH());
        int wend = Math.min(wstart + g.kernelW(), g.width() + g.padW());
        int divisor = (hend - hstart) * (wend - wstart);
        return new Window(Math.max(hstart, 0), Math.min(hend, g.height()),
                Math.max(wstart, 0), Math.min(wend, g.width()), divisor);
    }

    private static float[] toFloats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }
}
