package org.graft.layers;

import java.util.List;
import org.graft.engine.Blob;
import org.graft.opencl.ClKernel;

/**
 * An element-wise function whose gradient is a function of its output (Sigmoid, TanH): the kernel file
 * {@code <op>.cl} holds {@code <op>_forward(n, x, y)} and {@code <op>_backward(n, y, dy, dx)}. Backward
 * reads only the top data, as Caffe does, so the layer may run in place.
 */
public abstract class ActivationLayer extends ElementwiseLayer {
    private final String type;
    private final String op;

    /** @param op the kernel file's and kernels' name, e.g. "sigmoid" for sigmoid.cl */
    protected ActivationLayer(String name, String type, String op) {
        super(name);
        this.type = type;
        this.op = op;
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        int n = bottom.get(0).count();
        ClKernel k = engine.kernel(op + ".cl", op + "_forward");
        k.arg(0, n).arg(1, bottom.get(0).data()).arg(2, top.get(0).data());
        engine.run1d(k, n);
    }

    @Override
    public final void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0]) {
            return;
        }
        Blob y = top.get(0);
        int n = y.count();
        ClKernel k = engine.kernel(op + ".cl", op + "_backward");
        k.arg(0, n).arg(1, y.data()).arg(2, y.diff()).arg(3, bottom.get(0).diff());
        engine.run1d(k, n);
    }
}
