package org.graft.ops.prelu;

/**
 * Plain-Java PReLU, the reference for {@code kernels/prelu.cl} (Caffe's prelu_layer.cpp), sums in double:
 * y = max(x, 0) + a_c·min(x, 0); dx = dy for x > 0, else a_c·dy; da_c = Σ dy·x over x ≤ 0 in channel c
 * (over everything with one shared slope). Element i of an N×C×(dim) blob is in channel (i / dim) % C.
 */
public final class PReLUReference {
    /** The gradients, and per slope Σ|dy·x| of its terms: the scale of the float rounding of its sum. */
    public record Backward(float[] dx, float[] dslope, double[] dslopeMagnitude) {
    }

    private PReLUReference() {
    }

    private static int slope(int i, int channels, int dim, boolean shared) {
        return shared ? 0 : (i / dim) % channels;
    }

    public static float[] forward(float[] x, int channels, int dim, float[] slope, boolean shared) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double a = slope[slope(i, channels, dim, shared)];
            y[i] = (float) (Math.max(x[i], 0.0) + a * Math.min(x[i], 0.0));
        }
        return y;
    }

    public static Backward backward(float[] x, float[] dy, int channels, int dim, float[] slope, boolean shared) {
        float[] dx = new float[x.length];
        double[] ds = new double[slope.length];
        double[] mag = new double[slope.length];
        for (int i = 0; i < x.length; i++) {
            int c = slope(i, channels, dim, shared);
            dx[i] = x[i] > 0f ? dy[i] : (float) ((double) slope[c] * dy[i]);
            if (x[i] <= 0f) {
                double t = (double) dy[i] * x[i];
                ds[c] += t;
                mag[c] += Math.abs(t);
            }
        }
        float[] dslope = new float[slope.length];
        for (int c = 0; c < slope.length; c++) {
            dslope[c] = (float) ds[c];
        }
        return new Backward(dx, dslope, mag);
    }
}
