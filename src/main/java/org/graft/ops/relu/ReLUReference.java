package org.graft.ops.relu;

/**
 * Plain-Java ReLU, the reference for {@code kernels/relu.cl} (Caffe's relu_layer.cpp):
 * forward y = x for x > 0, else slope·x; backward dx = dy for x > 0, else slope·dy.
 */
public final class ReLUReference {
    private ReLUReference() {
    }

    public static float[] forward(float[] x, float slope) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] > 0f ? x[i] : x[i] * slope;
        }
        return y;
    }

    /** {@code x} is the bottom data the forward pass saw. */
    public static float[] backward(float[] x, float[] dy, float slope) {
        float[] dx = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            dx[i] = x[i] > 0f ? dy[i] : dy[i] * slope;
        }
        return dx;
    }
}
