package org.graft.ops.flatten;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain-Java Flatten (Caffe's flatten_layer.cpp): the values are unchanged, in order, so the reference is
 * the top's shape: the dims before {@code axis}, the product of {@code axis..endAxis}, the dims after.
 */
public final class FlattenReference {
    private FlattenReference() {
    }

    public static int[] topShape(int[] bottom, int axis, int endAxis) {
        int start = axis < 0 ? axis + bottom.length : axis;
        int end = endAxis < 0 ? endAxis + bottom.length : endAxis;
        List<Integer> top = new ArrayList<>();
        int merged = 1;
        for (int i = 0; i < bottom.length; i++) {
            if (i < start || i > end) {
                top.add(bottom[i]);
            } else {
                merged *= bottom[i];
                if (i == end) {
                    top.add(merged);
                }
            }
        }
        return top.stream().mapToInt(Integer::intValue).toArray();
    }
}
