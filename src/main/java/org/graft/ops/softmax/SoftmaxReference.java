package org.graft.ops.softmax;

/**
 * Plain-Java softmax, the reference for {@code kernels/softmax.cl}. The data is viewed as
 * (outer, channels, inner); each (outer, inner) position holds one distribution whose values lie
 * {@code inner} apart. Computed in double.
 * <ul>
 * <li>forward: y_c = exp(x_c − max_k x_k) / Σ_k exp(x_k − max_k x_k) (the max keeps exp finite);</li>
 * <li>backward: dx_c = y_c · (dy_c − Σ_k dy_k·y_k).</li>
 * </ul>
 */
public final class SoftmaxReference {
    private SoftmaxReference() {
    }

    public static float[] forward(float[] x, int outer, int channels, int inner) {
        float[] y = new float[x.length];
        double[] e = new double[channels];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * channels * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < channels; c++) {
                    max = Math.max(max, x[base + c * inner]);
                }
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    e[c] = Math.exp(x[base + c * inner] - max);
                    sum += e[c];
                }
                for (int c = 0; c < channels; c++) {
                    y[base + c * inner] = (float) (e[c] / sum);
                }
            }
        }
        return y;
    }

    public static float[] backward(float[] y, float[] dy, int outer, int channels, int inner) {
        float[] dx = new float[y.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * channels * inner + i;
                double dot = 0;
                for (int c = 0; c < channels; c++) {
                    dot += (double) dy[base + c * inner] * y[base + c * inner];
                }
                for (int c = 0; c < channels; c++) {
                    int k = base + c * inner;
                    dx[k] = (float) (y[k] * (dy[k] - dot));
                }
            }
        }
        return dx;
    }
}
