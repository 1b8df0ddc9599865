package org.graft.ops.concat;

import java.util.Arrays;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Axes;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "Concat": joins any number (≥ 1) of bottoms along {@code axis} (GoogLeNet's inception modules
 * join their branches on channels); every other axis must match. Backward hands each bottom its window of
 * the top's diff. Kernels: concat.cl (shared with Slice, whose forward is this layer's backward);
 * reference: {@link ConcatReference}.
 */
public final class ConcatLayer extends Layer {
    /** Caffe's ConcatParameter; the old {@code concat_dim} binds as the same (non-negative) axis. */
    public record Spec(int axis) implements LayerSettings {
        public static final Spec DEFAULT = new Spec(1);

        /** Binds a layer's concat_param (see {@code LayerType.Binder}). */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.ConcatParameter p = layer.getConcatParam();
            if (p.hasAxis() && p.hasConcatDim()) {
                throw c.error(path + ".concat_param", "expected axis or concat_dim, found both");
            }
            if (p.hasConcatDim()) {
                if (p.getConcatDim() < 0) {
                    throw c.error(path + ".concat_param.concat_dim", "expected an axis < 2^31, found "
                            + Integer.toUnsignedString(p.getConcatDim()));
                }
                return new Spec(p.getConcatDim());
            }
            return new Spec(p.getAxis());
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.ConcatParameter.Builder p = layer.getConcatParamBuilder();
            if (axis != DEFAULT.axis) {
                p.setAxis(axis);
            }
        }
    }

    static final String KERNELS = "concat.cl";
    private final Spec spec;
    private int axis;

    public ConcatLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Concat";
    }

    @Override
    public int exactBottoms() {
        return -1;
    }

    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        if (bottomShapes.isEmpty()) {
            throw new IllegalArgumentException("layer '" + name + "' (Concat) needs at least one bottom");
        }
        int[] first = bottomShapes.get(0);
        int a = Axes.canonical(this, "concat_param.axis", spec.axis(), first);
        int[] top = first.clone();
        long axisSize = first[a];
        for (int i = 1; i < bottomShapes.size(); i++) {
            int[] b = bottomShapes.get(i);
            boolean matches = b.length == first.length;
            for (int j = 0; matches && j < b.length; j++) {
                if (j != a && b[j] >= 0 && top[j] >= 0 && b[j] != top[j]) {
                    matches = false;
                } else if (j != a && top[j] < 0) {
                    top[j] = b[j];
                }
            }
            if (!matches) {
                throw new IllegalArgumentException("layer '" + name + "' (Concat): bottom[" + i + "] has shape "
                        + Arrays.toString(b) + " but bottom[0] has shape " + Arrays.toString(first)
                        + "; all axes but the concatenation axis " + a + " must match");
            }
            axisSize = axisSize < 0 || b[a] < 0 ? -1 : axisSize + b[a];
        }
        top[a] = Axes.dim(this, axisSize, top);
        return LayerShapes.tops(top);
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        List<int[]> tops = shapes(bottomShapes).tops();
        axis = Axes.canonical(this, "concat_param.axis", spec.axis(), bottomShapes.get(0));
        return tops;
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob whole = top.get(0);
        int offset = 0;
        for (Blob part : bottom) {
            window(engine, "window_write", part.data(), whole.data(), part, whole, axis, offset);
            offset += part.shape(axis);
        }
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        Blob whole = top.get(0);
        int offset = 0;
        for (int i = 0; i < bottom.size(); i++) {
            Blob part = bottom.get(i);
            if (propagateDown[i]) {
                window(engine, "window_read", whole.diff(), part.diff(), part, whole, axis, offset);
            }
            offset += part.shape(axis);
        }
    }

    /**
     * Copies between {@code part} and the window [offset, offset + part's axis size) of {@code whole}'s
     * {@code axis}: kernel "window_write" copies part into whole, "window_read" whole into part
     * ({@code from}, {@code to} are the buffers in that order). Also Slice's copy.
     */
    public static void window(Engine engine, String kernel, ClBuffer from, ClBuffer to, Blob part, Blob whole, int axis, int offset) {
        int n = part.count();
        if (n == 0) {
            return;
        }
        ClKernel k = engine.kernel(KERNELS, kernel);
        k.arg(0, n).arg(1, from).arg(2, to).arg(3, part.shape(axis)).arg(4, whole.shape(axis)).arg(5, offset)
                .arg(6, whole.count(axis + 1));
        engine.run1d(k, n);
    }
}
