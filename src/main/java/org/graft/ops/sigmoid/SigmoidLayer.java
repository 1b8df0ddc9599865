package org.graft.ops.sigmoid;

import org.graft.layers.ActivationLayer;

/**
 * Caffe's "Sigmoid": y = 1 / (1 + e^−x), computed from e^−|x| so that it never overflows; backward
 * dx = dy·y·(1−y) from the top data, so it may run in place. Kernels: sigmoid.cl; reference:
 * {@link SigmoidReference}.
 */
public final class SigmoidLayer extends ActivationLayer {
    public SigmoidLayer(String name) {
        super(name, "Sigmoid", "sigmoid");
    }
}
