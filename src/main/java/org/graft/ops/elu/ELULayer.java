package org.graft.ops.elu;

import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.layers.ElementwiseLayer;
import org.graft.layers.LayerSettings;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "ELU" (Clevert et al. 2015): y = x for x > 0, else alpha·(e^x − 1). May run in place; backward
 * then tells the sign of x from y, which is valid for alpha ≥ 0. Kernels: elu.cl; reference: {@link ELUReference}.
 */
public final class ELULayer extends ElementwiseLayer {
    /** Caffe's ELUParameter. */
    public record Spec(float alpha) implements LayerSettings {
        public static final Spec DEFAULT = new Spec(1f);

        /** Binds a layer's elu_param (see {@code LayerType.Binder}). */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            return new Spec(c.finite(layer.getEluParam().getAlpha(), path + ".elu_param.alpha"));
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.ELUParameter.Builder p = layer.getEluParamBuilder();
            if (alpha != DEFAULT.alpha) {
                p.setAlpha(alpha);
            }
        }
    }

    private static final String KERNELS = "elu.cl";
    private final Spec spec;

    public ELULayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "ELU";
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        int n = bottom.get(0).count();
        ClKernel k = engine.kernel(KERNELS, "elu_forward");
        k.arg(0, n).arg(1, bottom.get(0).data()).arg(2, top.get(0).data()).arg(3, spec.alpha());
        engine.run1d(k, n);
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0]) {
            return;
        }
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        if (x == y && spec.alpha() < 0f) {
            // With a negative alpha the sign of y no longer tells the sign of x, and x is gone.
            throw new IllegalStateException("layer '" + name + "' (ELU): alpha " + spec.alpha()
                    + " < 0 cannot be back-propagated in place; give the layer its own top blob");
        }
        int n = x.count();
        ClKernel k = engine.kernel(KERNELS, "elu_backward");
        k.arg(0, n).arg(1, x.data()).arg(2, y.data()).arg(3, y.diff()).arg(4, x.diff()).arg(5, spec.alpha());
        engine.run1d(k, n);
    }
}
