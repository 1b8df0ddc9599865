package org.graft.ops.bias;

/**
 * Plain-Java Bias, the reference for {@code kernels/bias.cl} (Caffe's bias_layer.cpp): the data viewed as
 * outer × dim × inner, y = x + b_d; backward dx = dy and db_d = Σ dy over outer and inner, in double.
 */
public final class BiasReference {
    private BiasReference() {
    }

    public static float[] forward(float[] x, float[] b, int dim, int inner) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] + b[(i / inner) % dim];
        }
        return y;
    }

    /** Σ dy per d, plus {@code add} (the diff a learned bias already holds; zeros for a bottom). */
    public static float[] biasDiff(float[] dy, int dim, int inner, float[] add) {
        double[] sum = new double[dim];
        for (int i = 0; i < dy.length; i++) {
            sum[(i / inner) % dim] += dy[i];
        }
        float[] out = new float[dim];
        for (int d = 0; d < dim; d++) {
            out[d] = (float) (sum[d] + add[d]);
        }
        return out;
    }
}
