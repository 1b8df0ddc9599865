package org.graft.ops.softmax;

import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.AxisSplit;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.SettingChecks;
import org.graft.layers.Pass;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "Softmax": a numerically stable softmax over one axis (kernels/softmax.cl).
 * Reference: {@link org.graft.ops.softmax.SoftmaxReference}.
 */
public final class SoftmaxLayer extends Layer {
    static final String KERNELS = "softmax.cl";
    /** Fewest contiguous channels worth a work-group per position. */
    static final int ROW_MIN_CHANNELS = 32;
    /** Largest work-group for one position: enough to cover a 1000-class row in 8 steps. */
    static final long ROW_MAX_LOCAL = 128;

    /**
     * Caffe's SoftmaxParameter: the axis over which the distribution runs (default 1; negative counts from
     * the end). Any axis binds; the bottom's rank decides whether it exists ({@link AxisSplit}).
     */
    public record Spec(int axis) implements LayerSettings {
        public static Spec defaults() {
            return new Spec(1);
        }

        /** Binds a layer's softmax_param (see {@code LayerType.Binder}). */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            return new Spec(layer.getSoftmaxParam().getAxis());
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.SoftmaxParameter.Builder p = layer.getSoftmaxParamBuilder();
            if (axis != 1) {
                p.setAxis(axis);
            }
        }
    }

    private final Spec spec;
    private AxisSplit split;

    public SoftmaxLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Softmax";
    }

    @Override
    public boolean allowsInPlace() {
        return true;
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        List<int[]> tops = shapes(bottomShapes).tops();
        split = AxisSplit.of(this, bottomShapes.get(0), spec.axis());
        return tops;
    }

    /** The top has the bottom's shape; the axis must exist in it. */
    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        int[] shape = bottomShapes.get(0);
        AxisSplit.canonical(this, shape, spec.axis());
        return LayerShapes.tops(shape.clone());
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        forward(engine, bottom.get(0).data(), top.get(0).data(), split);
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0]) {
            return;
        }
        Blob y = top.get(0);
        long local = rowLocal(engine, split);
        if (local > 0) {
            ClKernel k = engine.kernel(KERNELS, "-DROW_LOCAL=" + local, "softmax_backward_rows");
            k.arg(0, y.data()).arg(1, y.diff()).arg(2, bottom.get(0).diff()).arg(3, split.channels());
            engine.run(k, new long[] {split.positions() * local}, new long[] {local});
            return;
        }
        ClKernel k = engine.kernel(KERNELS, "softmax_backward");
        k.arg(0, y.data()).arg(1, y.diff()).arg(2, bottom.get(0).diff())
                .arg(3, split.outer()).arg(4, split.channels()).arg(5, split.inner());
        engine.run1d(k, split.positions());
    }

    /** Launches the forward kernel: y = softmax(x) over the split's channel axis (y may be x). */
    public static void forward(Engine engine, ClBuffer x, ClBuffer y, AxisSplit split) {
        long local = rowLocal(engine, split);
        if (local > 0) {
            ClKernel k = engine.kernel(KERNELS, "-DROW_LOCAL=" + local, "softmax_forward_rows");
            k.arg(0, x).arg(1, y).arg(2, split.channels());
            engine.run(k, new long[] {split.positions() * local}, new long[] {local});
            return;
        }
        ClKernel k = engine.kernel(KERNELS, "softmax_forward");
        k.arg(0, x).arg(1, y).arg(2, split.outer()).arg(3, split.channels()).arg(4, split.inner());
        engine.run1d(k, split.positions());
    }

    /**
     * The work-group size of the one-group-per-position kernels, or 0 for the one-work-item-per-position
     * ones: contiguous (inner = 1) distributions of at least {@link #ROW_MIN_CHANNELS} values are spread
     * over a group (a power of two up to {@link #ROW_MAX_LOCAL}, within the device's and kernel's limits);
     * with inner > 1 neighbouring positions are neighbouring floats, so one work-item each reads coalesced.
     */
    static long rowLocal(Engine engine, AxisSplit split) {
        if (split.inner() != 1 || split.channels() < ROW_MIN_CHANNELS) {
            return 0;
        }
        long local = Long.highestOneBit(Math.min(ROW_MAX_LOCAL, engine.device().maxWorkGroupSize()));
        String defines = "-DROW_LOCAL=" + local;
        long kernelMax = Math.min(engine.kernel(KERNELS, defines, "softmax_forward_rows").maxWorkGroupSize(),
                engine.kernel(KERNELS, defines, "softmax_backward_rows").maxWorkGroupSize());
        return kernelMax >= local && local >= 2 ? local : 0;
    }

    @Override
    public long forwardFlops() {
        // max, exp, sum and divide per element
        return split == null ? 0 : 4L * split.count();
    }
}
