package org.graft.ops.absval;

/** Plain-Java AbsVal, the reference for {@code kernels/absval.cl} (Caffe's absval_layer.cpp): y = |x|, dx = sign(x)·dy. */
public final class AbsValReference {
    private AbsValReference() {
    }

    public static float[] forward(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.abs(x[i]);
        }
        return y;
    }

    public static float[] backward(float[] x, float[] dy) {
        float[] dx = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            dx[i] = x[i] > 0f ? dy[i] : x[i] < 0f ? -dy[i] : 0f;
        }
        return dx;
    }
}
