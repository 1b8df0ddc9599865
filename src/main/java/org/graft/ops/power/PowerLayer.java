package org.graft.ops.power;

import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.layers.ElementwiseLayer;
import org.graft.layers.KeptBottom;
import org.graft.layers.LayerSettings;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "Power": y = (shift + scale·x)^power, with Caffe's special cases: power·scale = 0 gives a constant top
 * (1 for power 0, else shift^power) and a zero gradient, power 1 a constant gradient scale·dy. A negative base
 * with a non-integer power gives NaN, as in Caffe. May run in place; where backward needs the bottom (power ≠ 1
 * and power·scale ≠ 0) it is then kept, so the gradient is the one Caffe computes out of place.
 * Kernels: power.cl; reference: {@link PowerReference}.
 */
public final class PowerLayer extends ElementwiseLayer {
    /** Caffe's PowerParameter. */
    public record Spec(float power, float scale, float shift) implements LayerSettings {
        public static final Spec DEFAULT = new Spec(1f, 1f, 0f);

        /** Binds a layer's power_param (see {@code LayerType.Binder}). */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.PowerParameter p = layer.getPowerParam();
            String at = path + ".power_param.";
            return new Spec(c.finite(p.getPower(), at + "power"), c.finite(p.getScale(), at + "scale"), c.finite(p.getShift(), at + "shift"));
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.PowerParameter.Builder p = layer.getPowerParamBuilder();
            if (power != DEFAULT.power) {
                p.setPower(power);
            }
            if (scale != DEFAULT.scale) {
                p.setScale(scale);
            }
            if (shift != DEFAULT.shift) {
                p.setShift(shift);
            }
        }

        /** Caffe's diff_scale_, power·scale in float. */
        public float diffScale() {
            return power * scale;
        }

        /** Caffe's backward branch (see power.cl); 0 needs neither x nor y. */
        int backwardMode() {
            if (diffScale() == 0f || power == 1f) {
                return 0;
            }
            return power == 2f ? 1 : shift == 0f ? 2 : 3;
        }

        /** The constant top when power·scale = 0: 1 for power 0, else shift^power (Caffe's pow in double, then float). */
        float constant() {
            return power == 0f ? 1f : (float) Math.pow(shift, power);
        }
    }

    private static final String KERNELS = "power.cl";
    private final Spec spec;
    private final KeptBottom kept = new KeptBottom();

    public PowerLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Power";
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        int n = x.count();
        if (spec.diffScale() == 0f) {
            ClKernel k = engine.kernel(KERNELS, "power_fill");
            k.arg(0, n).arg(1, y.data()).arg(2, spec.constant());
            engine.run1d(k, n);
            return;
        }
        if (spec.backwardMode() != 0) {
            kept.keep(engine, x, y);
        }
        ClKernel k = engine.kernel(KERNELS, "power_forward");
        k.arg(0, n).arg(1, x.data()).arg(2, y.data()).arg(3, spec.power()).arg(4, spec.scale()).arg(5, spec.shift());
        engine.run1d(k, n);
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0]) {
            return;
        }
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        int n = x.count();
        int mode = spec.backwardMode();
        float ds = spec.diffScale();
        ClKernel k = engine.kernel(KERNELS, "power_backward");
        k.arg(0, n).arg(1, mode).arg(2, mode == 0 ? x.data() : kept.data(x, y)).arg(3, y.data()).arg(4, y.diff()).arg(5, x.diff())
                .arg(6, spec.power()).arg(7, spec.scale()).arg(8, spec.shift()).arg(9, ds).arg(10, ds * spec.scale())
                .arg(11, ds * spec.shift());
        engine.run1d(k, n);
    }

    @Override
    public void close() {
        kept.close();
        super.close();
    }
}
