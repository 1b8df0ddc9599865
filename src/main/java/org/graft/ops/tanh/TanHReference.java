package org.graft.ops.tanh;

/**
 * Plain-Java tanh, the reference for {@code kernels/tanh.cl} (Caffe's tanh_layer.cpp), in double:
 * forward y = tanh(x); backward dx = dy·(1−y²) from the top data y.
 */
public final class TanHReference {
    private TanHReference() {
    }

    public static float[] forward(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) Math.tanh(x[i]);
        }
        return y;
    }

    /** {@code y} is the top data the forward pass wrote. */
    public static float[] backward(float[] y, float[] dy) {
        float[] dx = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            dx[i] = (float) ((double) dy[i] * (1.0 - (double) y[i] * y[i]));
        }
        return dx;
    }
}
