package org.graft.layers;

import org.graft.caffe.proto.Caffe;

/**
 * A layer type's validated settings: bound from caffe.proto's typed parameter message(s) by the type's
 * binder (a static {@code bind} beside the layer, registered in {@code LayerType}) and written back to
 * them, so that net.json, prototxt and {@code time --json} print them without a second copy of the schema.
 * Layers born in this shape keep their settings in a record implementing this interface.
 */
public interface LayerSettings {
    /**
     * Sets the layer's typed parameter message(s) on {@code layer}, always (an empty one when every value is
     * caffe.proto's default) but with only the fields that differ from the defaults, as one writes a net.json
     * by hand. Binding the result gives these settings back.
     */
    void writeTo(Caffe.LayerParameter.Builder layer);

    /** How many learnable blobs (weights, bias, statistics, ...) a layer with these settings has. */
    default int learnableBlobs() {
        return 0;
    }

    /** The filler of learnable blob {@code blob} as written; Caffe's default is constant 0. */
    default Caffe.FillerParameter filler(int blob) {
        return Caffe.FillerParameter.getDefaultInstance();
    }

    /**
     * Whether the solver may update learnable blob {@code blob}. False for blobs that the layer itself
     * maintains (BatchNorm's statistics): their lr_mult and decay_mult are then 0 whatever a file says.
     */
    default boolean solverUpdates(int blob) {
        return true;
    }

}
