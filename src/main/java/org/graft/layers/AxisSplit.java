package org.graft.layers;

import org.graft.engine.Shapes;

/**
 * A blob viewed as (outer, channels, inner) around one axis, as Caffe's softmax, loss and accuracy
 * layers see it: outer = product of the dims before the axis, channels = the dim at the axis, inner =
 * product of the dims after it. Each (outer, inner) position is one sample's distribution.
 */
public record AxisSplit(int axis, int outer, int channels, int inner) {

    /** Splits {@code shape} at {@code axis}; negative axes count from the end, as Caffe's CanonicalAxisIndex. */
    public static AxisSplit of(Layer layer, int[] shape, int axis) {
        int a = axis < 0 ? axis + shape.length : axis;
        if (a < 0 || a >= shape.length) {
            throw layer.shapeError("axis " + axis + " must lie in [-" + shape.length + ", " + shape.length + ")", shape);
        }
        int outer = Shapes.count(java.util.Arrays.copyOfRange(shape, 0, a), "layer '" + layer.name() + "': bottom[0]");
        int inner = Shapes.count(java.util.Arrays.copyOfRange(shape, a + 1, shape.length), "layer '" + layer.name() + "': bottom[0]");
        Shapes.count(shape, "layer '" + layer.name() + "': bottom[0]");
        return new AxisSplit(a, outer, shape[a], inner);
    }

    /** Number of (outer, inner) positions, i.e. of samples (labels). */
    public int positions() {
        return outer * inner;
    }

    public int count() {
        return outer * channels * inner;
    }
}
