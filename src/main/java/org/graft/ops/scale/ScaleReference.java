package org.graft.ops.scale;

/**
 * Plain-Java Scale, the reference for {@code kernels/scale.cl} (Caffe's scale_layer.cpp): the data viewed as
 * outer × dim × inner, y = x·s_d (+ b_d); backward dx = dy·s_d, ds_d = Σ dy·x, and db as
 * {@link org.graft.ops.bias.BiasReference#biasDiff}; the sums in double.
 */
public final class ScaleReference {
    private ScaleReference() {
    }

    /** {@code b} null: no bias. */
    public static float[] forward(float[] x, float[] s, float[] b, int dim, int inner) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int d = (i / inner) % dim;
            y[i] = b == null ? x[i] * s[d] : (float) ((double) x[i] * s[d] + b[d]);
        }
        return y;
    }

    public static float[] bottomDiff(float[] dy, float[] s, int dim, int inner) {
        return forward(dy, s, null, dim, inner);
    }

    /** Σ dy·x per d, plus {@code add} (the diff a learned scale already holds; zeros for a bottom). */
    public static float[] scaleDiff(float[] dy, float[] x, int dim, int inner, float[] add) {
        double[] sum = new double[dim];
        for (int i = 0; i < dy.length; i++) {
            sum[(i / inner) % dim] += (double) dy[i] * x[i];
        }
        float[] out = new float[dim];
        for (int d = 0; d < dim; d++) {
            out[d] = (float) (sum[d] + add[d]);
        }
        return out;
    }
}
