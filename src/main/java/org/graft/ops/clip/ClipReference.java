package org.graft.ops.clip;

/**
 * Plain-Java Clip, the reference for {@code kernels/clip.cl} (Caffe's clip_layer.cpp): y = max(min, min(x, max)),
 * dx = dy where min ≤ x ≤ max, else 0.
 */
public final class ClipReference {
    private ClipReference() {
    }

    public static float[] forward(float[] x, float min, float max) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(min, Math.min(x[i], max));
        }
        return y;
    }

    public static float[] backward(float[] x, float[] dy, float min, float max) {
        float[] dx = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            dx[i] = x[i] >= min && x[i] <= max ? dy[i] : 0f;
        }
        return dx;
    }
}
