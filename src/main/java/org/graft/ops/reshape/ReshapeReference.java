package org.graft.ops.reshape;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain-Java Reshape (Caffe's reshape_layer.cpp): the values are unchanged, in order, so the reference is
 * the top's shape: the bottom's axes before {@code axis}, then {@code dims} (0 = the bottom's dim at that
 * position, −1 = whatever makes the count match), then the bottom's axes after the {@code numAxes} replaced.
 */
public final class ReshapeReference {
    private ReshapeReference() {
    }

    public static int[] topShape(int[] bottom, List<Integer> dims, int axis, int numAxes) {
        int start = axis >= 0 ? axis : bottom.length + 1 + axis;
        int end = numAxes < 0 ? bottom.length : start + numAxes;
        List<Integer> top = new ArrayList<>();
        for (int i = 0; i < start; i++) {
            top.add(bottom[i]);
        }
        for (int i = 0; i < dims.size(); i++) {
            top.add(dims.get(i) == 0 ? bottom[start + i] : dims.get(i));
        }
        for (int i = end; i < bottom.length; i++) {
            top.add(bottom[i]);
        }
        int count = 1;
        for (int d : bottom) {
            count *= d;
        }
        int known = 1;
        for (int d : top) {
            known *= d == -1 ? 1 : d;
        }
        int[] out = new int[top.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = top.get(i) == -1 ? count / known : top.get(i);
        }
        return out;
    }
}
