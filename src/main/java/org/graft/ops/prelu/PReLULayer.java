package org.graft.ops.prelu;

import java.util.Arrays;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.KeptBottom;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "PReLU" (He et al. 2015): y = max(x, 0) + a_c·min(x, 0) with a learned slope per channel (axis 1),
 * or one slope (a blob of no axes, as Caffe's) with channel_shared. May run in place: the bottom is then kept
 * for backward, as Caffe does. The slopes' gradient is reduced per slope by one work-group without atomics,
 * so it is the same on every run. Kernels: prelu.cl; reference: {@link PReLUReference}.
 */
public final class PReLULayer extends Layer {
    /** Caffe's PReLUParameter; {@code filler} null when not given (Caffe then fills constant 0.25). */
    public record Spec(Caffe.FillerParameter filler, boolean channelShared) implements LayerSettings {
        public static final Spec DEFAULT = new Spec(null, false);
        static final Caffe.FillerParameter CAFFE_FILLER = Caffe.FillerParameter.newBuilder().setType("constant").setValue(0.25f).build();

        /** Binds a layer's prelu_param (see {@code LayerType.Binder}). */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.PReLUParameter p = layer.getPreluParam();
            if (p.hasFiller()) {
                c.filler(p.getFiller(), path + ".prelu_param.filler");
            }
            return new Spec(p.hasFiller() ? p.getFiller() : null, p.getChannelShared());
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.PReLUParameter.Builder p = layer.getPreluParamBuilder();
            if (filler != null) {
                p.setFiller(filler);
            }
            if (channelShared) {
                p.setChannelShared(true);
            }
        }

        @Override
        public int learnableBlobs() {
            return 1;
        }

        @Override
        public Caffe.FillerParameter filler(int blob) {
            return filler != null ? filler : CAFFE_FILLER;
        }
    }

    private static final String KERNELS = "prelu.cl";
    /** Work-items per slope in the gradient reduction (a power of two; lowered where a device allows fewer). */
    private static final int REDUCE_GROUP = 64;
    private final Spec spec;
    private final KeptBottom kept = new KeptBottom();

    public PReLULayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "PReLU";
    }

    @Override
    public boolean allowsInPlace() {
        return true;
    }

    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        int[] x = bottomShapes.get(0);
        if (x.length < 2) {
            throw shapeError("needs a bottom of at least 2 axes (N, C, ...), its slopes being per channel", x);
        }
        int[] slope = spec.channelShared() ? new int[0] : new int[] {x[1]};
        return new LayerShapes(List.of(x.clone()), List.of(slope));
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        LayerShapes shapes = shapes(bottomShapes);
        int[] slope = shapes.params().get(0);
        if (params.isEmpty()) {
            Blob b = newParam("slope", slope);
            params.add(new Param(b.name(), b));
        } else if (!Arrays.equals(params.get(0).blob().shape(), slope)) {
            throw shapeError("has slopes of shape " + Arrays.toString(params.get(0).blob().shape()) + " but this bottom needs "
                    + Arrays.toString(slope), bottomShapes.get(0));
        }
        return shapes.tops();
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        kept.keep(engine, x, y);
        int n = x.count();
        int channels = x.shape(1);
        ClKernel k = engine.kernel(KERNELS, "prelu_forward");
        k.arg(0, n).arg(1, channels).arg(2, x.count(2)).arg(3, spec.channelShared() ? channels : 1).arg(4, x.data())
                .arg(5, params.get(0).blob().data()).arg(6, y.data());
        engine.run1d(k, n);
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        Param slope = params.get(0);
        int n = x.count();
        int channels = x.shape(1);
        int dim = x.count(2);
        // The slopes' gradient first: in place, the bottom diff overwrites the top diff it reads.
        if (!slope.frozen()) {
            ClKernel k = engine.kernel(KERNELS, "prelu_slope_diff");
            int groups = spec.channelShared() ? 1 : channels;
            int span = spec.channelShared() ? channels * dim : dim;
            int local = groupSize(k);
            k.arg(0, x.shape(0)).arg(1, span).arg(2, channels * dim).arg(3, kept.data(x, y)).arg(4, y.diff())
                    .arg(5, slope.blob().diff()).argLocal(6, local * 4L);
            engine.run(k, new long[] {(long) groups * local}, new long[] {local});
        }
        if (propagateDown[0]) {
            ClKernel k = engine.kernel(KERNELS, "prelu_backward");
            k.arg(0, n).arg(1, channels).arg(2, dim).arg(3, spec.channelShared() ? channels : 1).arg(4, kept.data(x, y))
                    .arg(5, slope.blob().data()).arg(6, y.diff()).arg(7, x.diff());
            engine.run1d(k, n);
        }
    }

    private int groupSize(ClKernel k) {
        long limit = Math.min(Math.min(k.maxWorkGroupSize(), engine.device().maxWorkGroupSize()), engine.device().maxWorkItemSizes()[0]);
        int size = REDUCE_GROUP;
        while (size > limit) {
            size /= 2;
        }
        return size;
    }

    @Override
    public void close() {
        kept.close();
        super.close();
    }
}
