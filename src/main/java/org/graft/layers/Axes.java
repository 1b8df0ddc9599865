package org.graft.layers;

/**
 * Axis arithmetic of the shape layers (Concat, Slice, Flatten, Reshape, Crop) on shapes whose dimensions
 * may be -1 (not known yet, see {@link Layer#shapes}).
 */
public final class Axes {
    private Axes() {
    }

    /**
     * Caffe's CanonicalAxisIndex: {@code axis} in [-rank, rank) with negative axes counted from the end;
     * anything else is refused naming the layer and {@code what} (e.g. "concat_param.axis").
     */
    public static int canonical(Layer layer, String what, int axis, int[] shape) {
        int rank = shape.length;
        if (axis < -rank || axis >= rank) {
            throw layer.shapeError(what + " " + axis + " must lie in [-" + rank + ", " + rank + ") for a blob of "
                    + rank + " axes", shape);
        }
        return axis < 0 ? axis + rank : axis;
    }

    /** The product of {@code shape[from..to)}, -1 if any of them is unknown (-1). */
    public static long count(int[] shape, int from, int to) {
        long c = 1;
        for (int i = from; i < to; i++) {
            if (shape[i] < 0) {
                return -1;
            }
            c *= shape[i];
        }
        return c;
    }

    /** {@code count} as an int dimension: -1 stays -1; one too large for a dimension is refused. */
    public static int dim(Layer layer, long count, int[] shape) {
        if (count > Integer.MAX_VALUE) {
            throw layer.shapeError("a dimension of " + count + " elements is more than one blob can hold", shape);
        }
        return (int) count;
    }
}
