package org.graft.ops.sigmoid;

/**
 * Plain-Java sigmoid, the reference for {@code kernels/sigmoid.cl} (Caffe's sigmoid_layer.cpp), in double:
 * forward y = 1/(1 + e^−x); backward dx = dy·y·(1−y) from the top data y.
 */
public final class SigmoidReference {
    private SigmoidReference() {
    }

    public static float[] forward(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) (1.0 / (1.0 + Math.exp(-(double) x[i])));
        }
        return y;
    }

    /** {@code y} is the top data the forward pass wrote. */
    public static float[] backward(float[] y, float[] dy) {
        float[] dx = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            dx[i] = (float) ((double) dy[i] * y[i] * (1.0 - y[i]));
        }
        return dx;
    }
}
