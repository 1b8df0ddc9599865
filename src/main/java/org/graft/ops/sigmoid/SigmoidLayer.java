package org.graft.ops.sigmoid;

import java.util.List;
import org.graft.engine.Blob;
import org.graft.layers.ElementwiseLayer;
import org.graft.layers.Pass;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "Sigmoid": y = 1/(1 + e^−x). Backward reads only the top data (dx = dy·y·(1−y)), so it
 * may run in place. Reference: {@link SigmoidReference}.
 */
public final class SigmoidLayer extends ElementwiseLayer {
    private static final String KERNELS = "sigmoid.cl";

    public SigmoidLayer(String name) {
        super(name);
    }

    @Override
    public String type() {
        return "Sigmoid";
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        int n = bottom.get(0).count();
        ClKernel k = engine.kernel(KERNELS, "sigmoid_forward");
        k.arg(0, n).arg(1, bottom.get(0).data()).arg(2, top.get(0).data());
        engine.run1d(k, n);
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0]) {
            return;
        }
        Blob y = top.get(0);
        int n = y.count();
        ClKernel k = engine.kernel(KERNELS, "sigmoid_backward");
        k.arg(0, n).arg(1, y.data()).arg(2, y.diff()).arg(3, bottom.get(0).diff());
        engine.run1d(k, n);
    }
}
