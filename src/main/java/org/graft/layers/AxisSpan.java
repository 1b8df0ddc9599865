package org.graft.layers;

import java.util.Arrays;

/**
 * A bottom viewed as outer × dim × inner around a run of axes [axis, axis + k), as Caffe's Scale and Bias
 * layers see it: their scale or bias has the shape of that run (k = 0: a scalar) and is broadcast over the
 * outer and inner dims.
 */
public record AxisSpan(int outer, int dim, int inner) {
    /**
     * The shape bottom.shape[axis : axis + numAxes] (numAxes −1: to the end) of a learned scale/bias, with −1 for
     * dims not known yet; the axis counts from the end when negative, and must name an axis of the bottom
     * (Caffe's CanonicalAxisIndex), also for numAxes 0.
     */
    public static int[] runShape(Layer layer, int[] bottom, int axis, int numAxes) {
        int a = canonical(layer, bottom, axis);
        int end = numAxes == -1 ? bottom.length : a + numAxes;
        if (end > bottom.length) {
            throw layer.shapeError("axis " + axis + " and num_axes " + numAxes + " reach past the bottom's " + bottom.length + " axes", bottom);
        }
        return Arrays.copyOfRange(bottom, a, end);
    }

    /**
     * The view of {@code bottom} for a scale/bias of shape {@code run} starting at {@code axis}, checking that the
     * run matches the bottom there (Caffe starts a scalar at axis 0). Dims of −1 match anything; the counts are
     * then meaningless, so only the device's setUp (all dims known) uses them.
     */
    public static AxisSpan of(Layer layer, int[] bottom, int axis, int[] run) {
        int a = run.length == 0 ? 0 : canonical(layer, bottom, axis);
        if (a + run.length > bottom.length) {
            throw layer.shapeError("a " + run.length + "-axis operand " + Arrays.toString(run) + " from axis " + axis
                    + " reaches past the bottom's " + bottom.length + " axes", bottom);
        }
        for (int i = 0; i < run.length; i++) {
            if (run[i] != bottom[a + i] && run[i] >= 0 && bottom[a + i] >= 0) {
                throw layer.shapeError("the operand " + Arrays.toString(run) + " must match the bottom's axes " + a + ".."
                        + (a + run.length - 1), bottom);
            }
        }
        return new AxisSpan(product(bottom, 0, a), product(run, 0, run.length), product(bottom, a + run.length, bottom.length));
    }

    public int count() {
        return outer * dim * inner;
    }

    private static int canonical(Layer layer, int[] bottom, int axis) {
        int a = axis < 0 ? axis + bottom.length : axis;
        if (a < 0 || a >= bottom.length) {
            throw layer.shapeError("axis " + axis + " must lie in [-" + bottom.length + ", " + bottom.length + ")", bottom);
        }
        return a;
    }

    private static int product(int[] shape, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return (int) p;
    }
}
