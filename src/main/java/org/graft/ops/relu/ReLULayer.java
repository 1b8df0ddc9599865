package org.graft.ops.relu;

import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.layers.ElementwiseLayer;
import org.graft.layers.LayerSettings;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "ReLU": y = max(x, 0) + negative_slope·min(x, 0). Runs in place (top == bottom), as in
 * CaffeNet; backward then decides the slope from the top data, which is valid for slope ≥ 0.
 * Reference: {@link org.graft.ops.relu.ReLUReference}.
 */
public final class ReLULayer extends ElementwiseLayer {
    /** Caffe's ReLUParameter. */
    public record Spec(float negativeSlope) implements LayerSettings {
        public Spec() {
            this(0f);
        }

        /** Binds a layer's relu_param (see {@code LayerType.Binder}). */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            return new Spec(c.finite(layer.getReluParam().getNegativeSlope(), path + ".relu_param.negative_slope"));
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.ReLUParameter.Builder p = layer.getReluParamBuilder();
            if (negativeSlope != 0f) {
                p.setNegativeSlope(negativeSlope);
            }
        }
    }

    private static final String KERNELS = "relu.cl";
    private final Spec spec;
    /** The layer computing this ReLU in its own passes (see {@link org.graft.layers.ReluFusable}), or null. */
    private String fusedInto;

    public ReLULayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "ReLU";
    }

    /**
     * Marks this layer as computed by {@code producer} (null: by itself again): forward and backward then do
     * nothing. Only the net sets this, for an in-place ReLU with negative_slope 0 right after a
     * {@link org.graft.layers.ReluFusable} layer.
     */
    public void fusedInto(String producer) {
        if (producer != null && spec.negativeSlope() != 0f) {
            throw new IllegalArgumentException("layer '" + name + "' (ReLU): only negative_slope 0 can be fused, not "
                    + spec.negativeSlope());
        }
        fusedInto = producer;
    }

    /** The layer this ReLU is fused into, or null. */
    @Override
    public String fusedInto() {
        return fusedInto;
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        if (fusedInto != null) {
            return;
        }
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        int n = x.count();
        ClKernel k = engine.kernel(KERNELS, "relu_forward");
        k.arg(0, n).arg(1, x.data()).arg(2, y.data()).arg(3, spec.negativeSlope());
        engine.run1d(k, n);
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0] || fusedInto != null) {
            return;
        }
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        boolean inPlace = x == y;
        if (inPlace && spec.negativeSlope() < 0f) {
            // With a negative slope the sign of y no longer tells the sign of x, and x is gone.
            throw new IllegalStateException("layer '" + name + "' (ReLU): negative_slope " + spec.negativeSlope()
                    + " < 0 cannot be back-propagated in place; give the layer its own top blob");
        }
        int n = x.count();
        ClKernel k = engine.kernel(KERNELS, "relu_backward");
        k.arg(0, n).arg(1, inPlace ? y.data() : x.data()).arg(2, y.diff()).arg(3, x.diff()).arg(4, spec.negativeSlope());
        engine.run1d(k, n);
    }
}
