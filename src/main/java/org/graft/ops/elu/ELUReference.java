package org.graft.ops.elu;

/**
 * Plain-Java ELU, the reference for {@code kernels/elu.cl} (Caffe's elu_layer.cpp), in double:
 * forward y = x for x > 0, else alpha·(e^x − 1); backward dx = dy for x > 0, else dy·(y + alpha).
 */
public final class ELUReference {
    private ELUReference() {
    }

    public static float[] forward(float[] x, float alpha) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] > 0f ? x[i] : (float) (alpha * Math.expm1(x[i]));
        }
        return y;
    }

    /** {@code x} the bottom data, {@code y} the top data of the forward pass. */
    public static float[] backward(float[] x, float[] y, float[] dy, float alpha) {
        float[] dx = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            dx[i] = x[i] > 0f ? dy[i] : (float) ((double) dy[i] * ((double) y[i] + alpha));
        }
        return dx;
    }
}
