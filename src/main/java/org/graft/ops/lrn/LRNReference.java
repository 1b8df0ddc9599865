package org.graft.ops.lrn;

/**
 * Plain-Java local response normalisation, as Caffe's {@code LRNLayer}, on N×C×H×W arrays, computed
 * in double.
 *
 * <p><b>ACROSS_CHANNELS.</b>
 * scale(n,c,h,w) = k + (α/size)·Σ x(n,c',h,w)² over c' ∈ [c − (size−1)/2, c + (size−1)/2] ∩ [0, C)
 * (zero padding), and y = x·scale^(−β). With L the loss,
 * dL/dx(c) = dy(c)·scale(c)^(−β) − (2αβ/size)·x(c)·Σ_{c' in the window of c} dy(c')·y(c')/scale(c'),
 * because c lies in the window of c' exactly when c' lies in the window of c (the window is symmetric).
 *
 * <p><b>WITHIN_CHANNEL.</b>
 * Caffe builds this region from layers: split x; square it; AVE-pool the squares with kernel size and
 * pad (size−1)/2, stride 1; PowerLayer (shift 1, scale α, power −β); elementwise product with x.
 * The pooled size is H − 1 + 1 = H (no window starts in the padding), and Caffe's AVE divisor, the window
 * clipped to [−pad, in + pad), is always size²: window ph spans [ph − pad, ph + pad + 1) and
 * ph + pad + 1 ≤ H + pad for every ph &lt; H. So padded cells always count and
 * <pre>  scale = 1 + α·(Σ_{size×size window clipped to the image} x²)/size²,   y = x·scale^(−β)</pre>
 * ({@code k} is not used: Caffe's power layer shift is fixed at 1). Chaining the component backwards
 * (product: dx₁ = dy·P and dP = dy·x; power: dA = dP·(−αβ)·P/scale; pool: each square gets Σ dA/size²
 * over the windows that contain it; square: 2x) gives the same form as across channels:
 * <pre>  dx = dy·scale^(−β) − (2αβ/size²)·x·Σ_{window of (h,w)} dy·y/scale.</pre>
 */
public final class LRNReference {
    private LRNReference() {
    }

    /** Parameters as Caffe's LRNParameter; {@code within} selects WITHIN_CHANNEL. */
    public record Params(int size, double alpha, double beta, double k, boolean within) {
    }

    public record Shape(int num, int channels, int height, int width) {
        public int count() {
            return num * channels * height * width;
        }
    }

    public static float[] forward(Shape s, Params p, float[] x) {
        double[] scale = scale(s, p, x);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) (x[i] * Math.pow(scale[i], -p.beta()));
        }
        return y;
    }

    /** dL/dx given dL/dy; recomputes scale and y from x in double. */
    public static float[] backward(Shape s, Params p, float[] x, float[] dy) {
        double[] scale = scale(s, p, x);
        double[] ratio = new double[x.length]; // dy·y/scale
        for (int i = 0; i < x.length; i++) {
            double y = x[i] * Math.pow(scale[i], -p.beta());
            ratio[i] = dy[i] * y / scale[i];
        }
        double[] windowSums = windowSum(s, p, ratio);
        double n = p.within() ? (double) p.size() * p.size() : p.size();
        double cache = 2 * p.alpha() * p.beta() / n;
        float[] dx = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            dx[i] = (float) (dy[i] * Math.pow(scale[i], -p.beta()) - cache * x[i] * windowSums[i]);
        }
        return dx;
    }

    static double[] scale(Shape s, Params p, float[] x) {
        double[] squares = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            squares[i] = (double) x[i] * x[i];
        }
        double[] sums = windowSum(s, p, squares);
        double[] scale = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            scale[i] = p.within()
                    ? 1 + p.alpha() * sums[i] / ((double) p.size() * p.size())
                    : p.k() + p.alpha() / p.size() * sums[i];
        }
        return scale;
    }

    /** Σ of v over each element's window (channels, or size×size in the plane), zero outside. */
    static double[] windowSum(Shape s, Params p, double[] v) {
        int half = (p.size() - 1) / 2;
        int hw = s.height() * s.width();
        double[] out = new double[v.length];
        for (int n = 0; n < s.num(); n++) {
            for (int c = 0; c < s.channels(); c++) {
                for (int h = 0; h < s.height(); h++) {
                    for (int w = 0; w < s.width(); w++) {
                        int i = ((n * s.channels() + c) * s.height() + h) * s.width() + w;
                        double sum = 0;
                        if (p.within()) {
                            int plane = (n * s.channels() + c) * hw;
                            for (int y = Math.max(h - half, 0); y <= Math.min(h + half, s.height() - 1); y++) {
                                for (int xx = Math.max(w - half, 0); xx <= Math.min(w + half, s.width() - 1); xx++) {
                                    sum += v[plane + y * s.width() + xx];
                                }
                            }
                        } else {
                            for (int j = Math.max(c - half, 0); j <= Math.min(c + half, s.channels() - 1); j++) {
                                sum += v[((n * s.channels() + j) * s.height() + h) * s.width() + w];
                            }
                        }
                        out[i] = sum;
                    }
                }
            }
        }
        return out;
    }
}
