package org.graft.ops.batchnorm;

/**
 * Plain-Java BatchNorm, the reference for {@code kernels/batch_norm.cl} (Caffe's batch_norm_layer.cpp), in
 * double. The data is N × C × S (S the product of the axes after the channel axis 1; a rank-1 bottom is
 * one channel); {@code blobs} are Caffe's three: mean sums, variance sums, factor.
 */
public final class BatchNormReference {
    private BatchNormReference() {
    }

    /** The top and the three blobs after the pass. */
    public record Forward(float[] y, float[] meanSum, float[] varSum, float factor) {
    }

    public static int channels(int[] shape) {
        return shape.length == 1 ? 1 : shape[1];
    }

    /**
     * @param global use the stored statistics; else the batch's, and with {@code update} the running sums
     *               are updated: factor = maf·factor + 1, sums = maf·sums + (mean, m/(m−1)·var).
     */
    public static Forward forward(float[] x, int[] shape, float[] meanSum, float[] varSum, float factor, float maf, float eps,
                                  boolean global, boolean update) {
        int c = channels(shape);
        int n = shape[0];
        int s = x.length / Math.max(1, n * c);
        double[][] stats = global ? stored(meanSum, varSum, factor) : batch(x, n, c, s);
        double[] mean = stats[0];
        double[] var = stats[1];
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / s) % c;
            y[i] = (float) ((x[i] - mean[ch]) / Math.sqrt(var[ch] + eps));
        }
        float[] newMean = meanSum.clone();
        float[] newVar = varSum.clone();
        float newFactor = factor;
        if (!global && update) {
            int m = n * s;
            double correction = m > 1 ? (double) m / (m - 1) : 1;
            for (int ch = 0; ch < c; ch++) {
                newMean[ch] = (float) (maf * (double) meanSum[ch] + mean[ch]);
                newVar[ch] = (float) (maf * (double) varSum[ch] + correction * var[ch]);
            }
            newFactor = (float) (maf * (double) factor + 1);
        }
        return new Forward(y, newMean, newVar, newFactor);
    }

    /** dx for top diff dy: Caffe's formula with the batch statistics of x, or dy / sqrt(var + eps) with the stored ones. */
    public static float[] backward(float[] x, float[] dy, int[] shape, float[] meanSum, float[] varSum, float factor, float eps,
                                   boolean global) {
        int c = channels(shape);
        int n = shape[0];
        int s = x.length / Math.max(1, n * c);
        double[][] stats = global ? stored(meanSum, varSum, factor) : batch(x, n, c, s);
        double[] mean = stats[0];
        double[] var = stats[1];
        float[] dx = new float[x.length];
        if (global) {
            for (int i = 0; i < x.length; i++) {
                int ch = (i / s) % c;
                dx[i] = (float) (dy[i] / Math.sqrt(var[ch] + eps));
            }
            return dx;
        }
        double[] xhat = new double[x.length];
        double[] meanDy = new double[c];
        double[] meanDyXhat = new double[c];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / s) % c;
            xhat[i] = (x[i] - mean[ch]) / Math.sqrt(var[ch] + eps);
            meanDy[ch] += dy[i];
            meanDyXhat[ch] += dy[i] * xhat[i];
        }
        int m = n * s;
        for (int i = 0; i < x.length; i++) {
            int ch = (i / s) % c;
            dx[i] = (float) ((dy[i] - meanDy[ch] / m - xhat[i] * meanDyXhat[ch] / m) / Math.sqrt(var[ch] + eps));
        }
        return dx;
    }

    /** Mean and biased variance per channel, two-pass. */
    private static double[][] batch(float[] x, int n, int c, int s) {
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int i = 0; i < x.length; i++) {
            mean[(i / s) % c] += x[i];
        }
        int m = n * s;
        for (int ch = 0; ch < c; ch++) {
            mean[ch] /= m;
        }
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - mean[(i / s) % c];
            var[(i / s) % c] += d * d;
        }
        for (int ch = 0; ch < c; ch++) {
            var[ch] /= m;
        }
        return new double[][] {mean, var};
    }

    private static double[][] stored(float[] meanSum, float[] varSum, float factor) {
        double scale = factor == 0f ? 0 : 1.0 / factor;
        double[] mean = new double[meanSum.length];
        double[] var = new double[varSum.length];
        for (int ch = 0; ch < mean.length; ch++) {
            mean[ch] = scale * meanSum[ch];
            var[ch] = scale * varSum[ch];
        }
        return new double[][] {mean, var};
    }
}
