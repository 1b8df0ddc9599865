package org.graft.net.config;

import java.util.List;

/** Caffe's BlobShape: the dimensions of a blob, outermost first (e.g. N, C, H, W). */
public record BlobShape(List<Integer> dim) {
    public BlobShape {
        dim = List.copyOf(dim);
    }

    public static BlobShape of(int... dims) {
        return new BlobShape(java.util.Arrays.stream(dims).boxed().toList());
    }

    public int[] toArray() {
        return dim.stream().mapToInt(Integer::intValue).toArray();
    }
}
