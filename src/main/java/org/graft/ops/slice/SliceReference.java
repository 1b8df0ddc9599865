package org.graft.ops.slice;

import java.util.List;
import org.graft.ops.concat.ConcatReference;

/**
 * Plain-Java Slice (Caffe's slice_layer.cpp): the part sizes from the slice points (or equal parts), then
 * Concat's reference backwards: forward cuts, backward joins.
 */
public final class SliceReference {
    private SliceReference() {
    }

    /** The size of each top along the axis. */
    public static int[] sizes(int axisSize, List<Integer> slicePoints, int tops) {
        int[] sizes = new int[tops];
        int prev = 0;
        for (int i = 0; i < tops; i++) {
            int end = slicePoints.isEmpty() ? (i + 1) * axisSize / tops : i < slicePoints.size() ? slicePoints.get(i) : axisSize;
            sizes[i] = end - prev;
            prev = end;
        }
        return sizes;
    }

    public static List<float[]> forward(float[] x, int[] sizes, int outer, int inner) {
        return ConcatReference.split(x, sizes, outer, inner);
    }

    public static float[] backward(List<float[]> topDiffs, int[] sizes, int outer, int inner) {
        return ConcatReference.join(topDiffs, sizes, outer, inner);
    }
}
