package org.graft.ops.clip;

import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.layers.ElementwiseLayer;
import org.graft.layers.LayerSettings;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "Clip" (ReLU6 of MobileNet v2 as min 0, max 6): y = max(min, min(x, max)); the gradient passes where
 * min ≤ x ≤ max. May run in place; since y cannot tell x = max from x > max, forward then records where the
 * gradient passes, one byte per element (a quarter of what a copy of the bottom would take).
 * Kernels: clip.cl; reference: {@link ClipReference}.
 */
public final class ClipLayer extends ElementwiseLayer {
    /** Caffe's ClipParameter: both fields required (Caffe's caffe.proto marks them so), min ≤ max. */
    public record Spec(float min, float max) implements LayerSettings {
        /** Binds a layer's clip_param (see {@code LayerType.Binder}). */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.ClipParameter p = layer.getClipParam();
            String at = path + ".clip_param";
            if (!p.hasMin() || !p.hasMax()) {
                throw c.error(at + (p.hasMin() ? ".max" : ".min"), "required: a Clip layer needs both min and max, as in Caffe");
            }
            float min = c.finite(p.getMin(), at + ".min");
            float max = c.finite(p.getMax(), at + ".max");
            if (min > max) {
                throw c.error(at, "expected min <= max, found min " + min + " > max " + max);
            }
            return new Spec(min, max);
        }

        /** Both fields always: they have no default. */
        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            layer.getClipParamBuilder().setMin(min).setMax(max);
        }
    }

    private static final String KERNELS = "clip.cl";
    private final Spec spec;
    /** In place: 1 where min ≤ x ≤ max in the last forward pass (bytes); null until needed. */
    private ClBuffer passMask;
    private long maskCapacity;
    private boolean masked;

    public ClipLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Clip";
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        int n = x.count();
        masked = x == y;
        ClKernel k;
        if (masked) {
            k = engine.kernel(KERNELS, "clip_forward_mask");
            k.arg(0, n).arg(1, x.data()).arg(2, y.data()).arg(3, mask(n)).arg(4, spec.min()).arg(5, spec.max());
        } else {
            k = engine.kernel(KERNELS, "clip_forward");
            k.arg(0, n).arg(1, x.data()).arg(2, y.data()).arg(3, spec.min()).arg(4, spec.max());
        }
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
        ClKernel k;
        if (x == y) {
            if (!masked) {
                throw new IllegalStateException("layer '" + name + "' (Clip): backward in place without a forward pass in place");
            }
            k = engine.kernel(KERNELS, "clip_backward_mask");
            k.arg(0, n).arg(1, passMask).arg(2, y.diff()).arg(3, x.diff());
        } else {
            k = engine.kernel(KERNELS, "clip_backward");
            k.arg(0, n).arg(1, x.data()).arg(2, y.diff()).arg(3, x.diff()).arg(4, spec.min()).arg(5, spec.max());
        }
        engine.run1d(k, n);
    }

    private ClBuffer mask(int n) {
        if (n > maskCapacity) {
            releaseMask();
            passMask = engine.alloc((n + 3) / 4, name + ".pass");
            maskCapacity = n;
        }
        return passMask;
    }

    private void releaseMask() {
        if (passMask != null) {
            passMask.close();
            passMask = null;
        }
        maskCapacity = 0;
    }

    @Override
    public void close() {
        releaseMask();
        super.close();
    }
}
