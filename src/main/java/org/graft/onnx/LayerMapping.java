package org.graft.onnx;

import org.graft.net.config.LayerConfig;

/**
 * How one Caffe layer type becomes ONNX nodes: reads the layer's bottoms from the graph, appends nodes
 * (with the layer's weights as initializers) and declares its tops. A mapping that cannot be exact for a
 * setting throws {@link OnnxExportException} naming the layer and the reason.
 */
@FunctionalInterface
interface LayerMapping {
    void export(LayerConfig layer, OnnxGraph graph);
}
