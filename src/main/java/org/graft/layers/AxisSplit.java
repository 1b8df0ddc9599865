package org.graft.layers;

import java.util.Arrays;
import org.graft.engine.Shapes;

/**
 * A blob viewed as (outer, channels, inner) around one axis, as Caffe's softmax, loss and accuracy
 * layers see it: outer = product of the dims before the axis, channels = the dim at the axis, inner =
 * product of the dims after it. Each (outer, inner) position is one sample's distribution.
 */
public record AxisSplit(int axis, int outer, int channels, int inner) {

    /** Splits {@code shape} at {@code axis}; negative axes count from the end, as Caffe's CanonicalAxisIndex. */
    public static AxisSplit of(Layer layer, int[] shape, int axis) {
        int a = canonical(layer, shape, axis);
        int outer = Shapes.count(Arrays.copyOfRange(shape, 0, a), "layer '" + layer.name() + "': bottom[0]");
        int inner = Shapes.count(Arrays.copyOfRange(shape, a + 1, shape.length), "layer '" + layer.name() + "': bottom[0]");
        Shapes.count(shape, "layer '" + layer.name() + "': bottom[0]");
        return new AxisSplit(a, outer, shape[a], inner);
    }

    /**
     * {@code axis} as an index into {@code shape} (negative axes count from the end), refused naming the
     * layer when the shape has no such axis. Needs only the rank, so it works on shapes with unknown (-1) dims.
     */
    public static int canonical(Layer layer, int[] shape, int axis) {
        int a = axis < 0 ? axis + shape.length : axis;
        if (a < 0 || a >= shape.length) {
            throw layer.shapeError("axis " + axis + " must lie in [-" + shape.length + ", " + shape.length + ")", shape);
        }
        return a;
    }

    /**
     * Checks, as Caffe's loss and accuracy layers do, that {@code labels} holds one value per position of
     * {@code scores} outside {@code axis} (outer·inner); skipped while a dimension is unknown (-1).
     */
    public static void checkLabels(Layer layer, int[] scores, int[] labels, int axis) {
        int a = canonical(layer, scores, axis);
        long positions = 1;
        long given = 1;
        for (int i = 0; i < scores.length; i++) {
            positions *= i == a ? 1 : scores[i];
        }
        for (int d : labels) {
            given *= d;
        }
        boolean unknown = Arrays.stream(scores).anyMatch(d -> d < 0) || Arrays.stream(labels).anyMatch(d -> d < 0);
        if (!unknown && given != positions) {
            throw new IllegalArgumentException("layer '" + layer.name() + "' (" + layer.type() + "): the labels (bottom[1], shape "
                    + Arrays.toString(labels) + ", " + given + " values) must hold one label per position of the scores"
                    + " outside axis " + a + ", i.e. " + positions + " values for scores of shape " + Arrays.toString(scores));
        }
    }

    /** Number of (outer, inner) positions, i.e. of samples (labels). */
    public int positions() {
        return outer * inner;
    }

    public int count() {
        return outer * channels * inner;
    }
}
