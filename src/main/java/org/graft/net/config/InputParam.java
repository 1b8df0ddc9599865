package org.graft.net.config;

import java.util.List;

/**
 * Caffe's InputParameter: the shape of each top of an Input layer. One shape applies to every top;
 * otherwise there is one shape per top.
 */
public record InputParam(List<BlobShape> shape) {
    public InputParam {
        shape = List.copyOf(shape);
    }

    /** The shape of top {@code top}. */
    public int[] shapeOf(int top) {
        return (shape.size() == 1 ? shape.get(0) : shape.get(top)).toArray();
    }
}
