package org.graft.ops.innerproduct;

/**
 * Plain-Java inner product, the reference for {@code InnerProductLayer} (Caffe's inner_product_layer.cpp).
 * x is M×K, y is M×N, W is N×K, or K×N when {@code transpose}; b (length N) may be null.
 * Forward y[m][n] = Σ_k x[m][k]·W(n,k) + b[n]. Backward dW(n,k) += Σ_m dy[m][n]·x[m][k],
 * db[n] += Σ_m dy[m][n], dx[m][k] = Σ_n dy[m][n]·W(n,k). Sums are accumulated in double.
 */
public final class InnerProductReference {
    private InnerProductReference() {
    }

    private static int wIndex(int n, int k, int numOutput, int inputs, boolean transpose) {
        return transpose ? k * numOutput + n : n * inputs + k;
    }

    public static float[] forward(float[] x, float[] w, float[] b, int m, int n, int k, boolean transpose) {
        float[] y = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = b == null ? 0 : b[j];
                for (int p = 0; p < k; p++) {
                    sum += (double) x[i * k + p] * w[wIndex(j, p, n, k, transpose)];
                }
                y[i * n + j] = (float) sum;
            }
        }
        return y;
    }

    /** Adds the weight gradient to {@code dw} (laid out as the weights). */
    public static void accumulateWeightGrad(float[] x, float[] dy, float[] dw, int m, int n, int k, boolean transpose) {
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                double sum = 0;
                for (int i = 0; i < m; i++) {
                    sum += (double) dy[i * n + j] * x[i * k + p];
                }
                int idx = wIndex(j, p, n, k, transpose);
                dw[idx] = (float) (dw[idx] + sum);
            }
        }
    }

    /** Adds the bias gradient (column sums of dy) to {@code db}. */
    public static void accumulateBiasGrad(float[] dy, float[] db, int m, int n) {
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int i = 0; i < m; i++) {
                sum += dy[i * n + j];
            }
            db[j] = (float) (db[j] + sum);
        }
    }

    public static float[] bottomGrad(float[] dy, float[] w, int m, int n, int k, boolean transpose) {
        float[] dx = new float[m * k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += (double) dy[i * n + j] * w[wIndex(j, p, n, k, transpose)];
                }
                dx[i * k + p] = (float) sum;
            }
        }
        return dx;
    }

}
