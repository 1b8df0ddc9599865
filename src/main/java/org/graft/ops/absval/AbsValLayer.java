package org.graft.ops.absval;

import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "AbsVal": y = |x|, dx = sign(x)·dy. Never in place, as in Caffe (its backward needs the sign of x).
 * Kernels: absval.cl; reference: {@link AbsValReference}.
 */
public final class AbsValLayer extends Layer {
    /** AbsVal has no parameter message in caffe.proto. */
    public record Spec() implements LayerSettings {
        /** Binds an AbsVal layer (see {@code LayerType.Binder}): nothing to read. */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            return new Spec();
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
        }
    }

    private static final String KERNELS = "absval.cl";
    private final Spec spec;

    public AbsValLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "AbsVal";
    }

    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        return LayerShapes.tops(bottomShapes.get(0).clone());
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        return shapes(bottomShapes).tops();
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        int n = bottom.get(0).count();
        ClKernel k = engine.kernel(KERNELS, "absval_forward");
        k.arg(0, n).arg(1, bottom.get(0).data()).arg(2, top.get(0).data());
        engine.run1d(k, n);
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0]) {
            return;
        }
        Blob x = bottom.get(0);
        int n = x.count();
        ClKernel k = engine.kernel(KERNELS, "absval_backward");
        k.arg(0, n).arg(1, x.data()).arg(2, top.get(0).diff()).arg(3, x.diff());
        engine.run1d(k, n);
    }
}
