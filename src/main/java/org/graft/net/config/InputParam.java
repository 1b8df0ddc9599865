package org.graft.net.config;

import java.util.List;
import org.graft.caffe.proto.Caffe;

/**
 * Caffe's InputParameter: the shape of each top of an Input layer. One shape applies to every top;
 * otherwise there is one shape per top.
 */
public record InputParam(List<BlobShape> shape) {
    public InputParam {
        shape = List.copyOf(shape);
    }

    /** Sets input_param on {@code layer}. */
    public void writeTo(Caffe.LayerParameter.Builder layer) {
        Caffe.InputParameter.Builder p = layer.getInputParamBuilder();
        for (BlobShape s : shape) {
            p.addShape(Caffe.BlobShape.newBuilder().addAllDim(s.dim().stream().map(Integer::longValue).toList()));
        }
    }

    /** The shape of top {@code top}. */
    public int[] shapeOf(int top) {
        return (shape.size() == 1 ? shape.get(0) : shape.get(top)).toArray();
    }
}
