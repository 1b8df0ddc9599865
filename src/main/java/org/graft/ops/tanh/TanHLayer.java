package org.graft.ops.tanh;

import java.util.List;
import org.graft.engine.Blob;
import org.graft.layers.ElementwiseLayer;
import org.graft.layers.Pass;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "TanH": y = tanh(x). Backward reads only the top data (dx = dy·(1−y²)), so it may run in
 * place. Reference: {@link TanHReference}.
 */
public final class TanHLayer extends ElementwiseLayer {
    private static final String KERNELS = "tanh.cl";

    public TanHLayer(String name) {
        super(name);
    }

    @Override
    public String type() {
        return "TanH";
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        int n = bottom.get(0).count();
        ClKernel k = engine.kernel(KERNELS, "tanh_forward");
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
        ClKernel k = engine.kernel(KERNELS, "tanh_backward");
        k.arg(0, n).arg(1, y.data()).arg(2, y.diff()).arg(3, bottom.get(0).diff());
        engine.run1d(k, n);
    }
}
