package org.graft.ops.tanh;

import org.graft.layers.ActivationLayer;

/**
 * Caffe's "TanH": y = tanh(x); backward dx = dy·(1−y²) from the top data, so it may run in place.
 * Kernels: tanh.cl; reference: {@link TanHReference}.
 */
public final class TanHLayer extends ActivationLayer {
    public TanHLayer(String name) {
        super(name, "TanH", "tanh");
    }
}
