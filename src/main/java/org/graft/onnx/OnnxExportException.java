package org.graft.onnx;

import org.graft.net.config.LayerConfig;

/** A net, layer or setting that cannot be exported to ONNX exactly; the message names it and says why. */
public final class OnnxExportException extends IllegalArgumentException {
    public OnnxExportException(String message) {
        super(message);
    }

    static OnnxExportException of(LayerConfig layer, String reason) {
        return new OnnxExportException("cannot export layer '" + layer.name() + "' (" + layer.type().jsonName()
                + ") to ONNX: " + reason);
    }
}
