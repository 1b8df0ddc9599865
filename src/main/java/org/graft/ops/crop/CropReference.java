package org.graft.ops.crop;

/**
 * Plain-Java Crop (Caffe's crop_layer.cpp): the top is bottom[0]'s window of the top's shape starting at
 * {@code offsets} (one per axis, 0 where not cropped); backward puts the top's diff in that window of a
 * zero bottom diff. Walks the top's multi-index like an odometer.
 */
public final class CropReference {
    private CropReference() {
    }

    public static float[] forward(float[] x, int[] xShape, int[] topShape, int[] offsets) {
        float[] y = new float[count(topShape)];
        int[] index = new int[topShape.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = x[source(index, xShape, offsets)];
            next(index, topShape);
        }
        return y;
    }

    public static float[] backward(float[] dy, int[] xShape, int[] topShape, int[] offsets) {
        float[] dx = new float[count(xShape)];
        int[] index = new int[topShape.length];
        for (float g : dy) {
            dx[source(index, xShape, offsets)] = g;
            next(index, topShape);
        }
        return dx;
    }

    private static int source(int[] index, int[] xShape, int[] offsets) {
        int s = 0;
        for (int d = 0; d < index.length; d++) {
            s = s * xShape[d] + index[d] + offsets[d];
        }
        return s;
    }

    private static void next(int[] index, int[] shape) {
        for (int d = index.length - 1; d >= 0; d--) {
            if (++index[d] < shape[d]) {
                return;
            }
            index[d] = 0;
        }
    }

    static int count(int[] shape) {
        int c = 1;
        for (int d : shape) {
            c *= d;
        }
        return c;
    }
}
