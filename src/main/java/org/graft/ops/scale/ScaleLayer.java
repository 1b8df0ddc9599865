package org.graft.ops.scale;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.kernels.ChannelSum;
import org.graft.layers.AxisSpan;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "Scale": y = x · s (+ b), s (and b) shaped like the bottom's axes [axis, axis + num_axes) and
 * broadcast over the others (num_axes −1: to the end; 0: a scalar). With one bottom s is a learned blob
 * (filled with constant 1 unless a filler is given, as Caffe does); with two, s is bottom[1], which then gets
 * a gradient. With bias_term a learned bias b follows (Caffe's blob order: scale, bias; bias alone with two
 * bottoms). May run in place; the layer then keeps a copy of x for the gradient of s, as Caffe does.
 * Kernels: scale.cl and channel_sum.cl; reference: {@link ScaleReference}.
 */
public final class ScaleLayer extends Layer {
    /**
     * Caffe's ScaleParameter; {@code filler}/{@code biasFiller} null when not given. {@code scaleIsBottom}: the
     * layer has two bottoms (the scale is bottom[1]), taken from the layer's bottom count when bound.
     */
    public record Spec(int axis, int numAxes, Caffe.FillerParameter filler, boolean biasTerm, Caffe.FillerParameter biasFiller,
                       boolean scaleIsBottom) implements LayerSettings {
        public static final Spec DEFAULT = new Spec(1, 1, null, false, null, false);

        /** Binds a layer's scale_param (see {@code LayerType.Binder}); settings without effect are refused. */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.ScaleParameter p = layer.getScaleParam();
            String at = path + ".scale_param.";
            boolean twoBottoms = layer.getBottomCount() == 2;
            int numAxes = c.atLeast(p.getNumAxes(), -1, at + "num_axes");
            if (twoBottoms && numAxes != DEFAULT.numAxes) {
                throw c.error(at + "num_axes", "has no effect with two bottoms (the scale is bottom[1], whose axes count); leave it out");
            }
            if (twoBottoms && p.hasFiller()) {
                throw c.error(at + "filler", "has no effect with two bottoms (the scale is bottom[1], not learned); leave it out");
            }
            if (!p.getBiasTerm() && p.hasBiasFiller()) {
                throw c.error(at + "bias_filler", "has no effect without bias_term: true");
            }
            Caffe.FillerParameter filler = p.hasFiller() ? checked(c, p.getFiller(), at + "filler") : null;
            Caffe.FillerParameter biasFiller = p.hasBiasFiller() ? checked(c, p.getBiasFiller(), at + "bias_filler") : null;
            return new Spec(p.getAxis(), numAxes, filler, p.getBiasTerm(), biasFiller, twoBottoms);
        }

        private static Caffe.FillerParameter checked(SettingChecks c, Caffe.FillerParameter f, String path) {
            c.filler(f, path);
            return f;
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.ScaleParameter.Builder p = layer.getScaleParamBuilder();
            if (axis != DEFAULT.axis) {
                p.setAxis(axis);
            }
            if (numAxes != DEFAULT.numAxes) {
                p.setNumAxes(numAxes);
            }
            if (filler != null) {
                p.setFiller(filler);
            }
            if (biasTerm) {
                p.setBiasTerm(true);
            }
            if (biasFiller != null) {
                p.setBiasFiller(biasFiller);
            }
        }

        @Override
        public int learnableBlobs() {
            return (scaleIsBottom ? 0 : 1) + (biasTerm ? 1 : 0);
        }

        /** The scale's filler defaults to constant 1 (Caffe's ScaleLayer), the bias's to constant 0. */
        @Override
        public Caffe.FillerParameter filler(int blob) {
            if (!scaleIsBottom && blob == 0) {
                return filler != null ? filler : Caffe.FillerParameter.newBuilder().setType("constant").setValue(1f).build();
            }
            return biasFiller != null ? biasFiller : Caffe.FillerParameter.getDefaultInstance();
        }
    }

    private static final String KERNELS = "scale.cl";
    private final Spec spec;
    private AxisSpan span;
    /** x kept by an in-place forward for the scale's gradient (Caffe's temp_), allocated on first use. */
    private Blob xCopy;

    public ScaleLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Scale";
    }

    @Override
    public int exactBottoms() {
        return spec.scaleIsBottom() ? 2 : 1;
    }

    @Override
    public boolean allowsInPlace() {
        return true;
    }

    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        int[] x = bottomShapes.get(0);
        if (bottomShapes.size() != exactBottoms()) {
            throw shapeError("expected " + exactBottoms() + " bottom(s) as the settings were bound, found " + bottomShapes.size(), x);
        }
        int[] run = spec.scaleIsBottom() ? bottomShapes.get(1).clone() : AxisSpan.runShape(this, x, spec.axis(), spec.numAxes());
        AxisSpan.of(this, x, spec.axis(), run);
        List<int[]> params = new ArrayList<>();
        if (!spec.scaleIsBottom()) {
            params.add(run);
        }
        if (spec.biasTerm()) {
            params.add(run.clone());
        }
        return new LayerShapes(List.of(x.clone()), params);
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        LayerShapes s = shapes(bottomShapes);
        int[] x = bottomShapes.get(0);
        if (params.isEmpty()) {
            String[] names = spec.scaleIsBottom() ? new String[] {"bias"} : new String[] {"scale", "bias"};
            for (int i = 0; i < s.params().size(); i++) {
                Blob b = newParam(names[i], s.params().get(i));
                params.add(new Param(b.name(), b));
            }
        } else {
            for (int i = 0; i < s.params().size(); i++) {
                if (!Arrays.equals(params.get(i).blob().shape(), s.params().get(i))) {
                    throw shapeError("blob " + i + " is shaped " + Arrays.toString(params.get(i).blob().shape()) + ", but the bottom needs "
                            + Arrays.toString(s.params().get(i)), x);
                }
            }
        }
        span = AxisSpan.of(this, x, spec.axis(), spec.scaleIsBottom() ? bottomShapes.get(1) : s.params().get(0));
        if (xCopy != null) {
            xCopy.reshape(x);
        }
        return s.tops();
    }

    private Blob scale(List<Blob> bottom) {
        return spec.scaleIsBottom() ? bottom.get(1) : params.get(0).blob();
    }

    private Blob bias() {
        return params.get(spec.scaleIsBottom() ? 0 : 1).blob();
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        int n = x.count();
        if (x == y) {
            if (xCopy == null) {
                xCopy = new Blob(engine, name + ".bottomCopy", x.shape());
            }
            engine.cl().copy(x.data(), 0, xCopy.data(), 0, n * 4L);
        }
        ClKernel k = engine.kernel(KERNELS, spec.biasTerm() ? "scale_bias_forward" : "scale_forward");
        k.arg(0, n).arg(1, span.dim()).arg(2, span.inner()).arg(3, x.data()).arg(4, scale(bottom).data());
        if (spec.biasTerm()) {
            k.arg(5, bias().data()).arg(6, y.data());
        } else {
            k.arg(5, y.data());
        }
        engine.run1d(k, n);
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        Blob s = scale(bottom);
        int outer = span.outer();
        int dim = span.dim();
        int inner = span.inner();
        // The sums read dy before dx (the same buffer in place) is written.
        if (!spec.scaleIsBottom() || propagateDown[1]) {
            Blob xData = x == y ? xCopy : x;
            float beta = spec.scaleIsBottom() ? 0f : 1f;  // a bottom's diff is overwritten, a parameter's accumulated
            ChannelSum.dot(engine, y.diff(), xData.data(), outer, dim, inner, 1f, beta, s.diff());
        }
        if (spec.biasTerm()) {
            ChannelSum.sum(engine, y.diff(), outer, dim, inner, 1f, 1f, bias().diff());
        }
        if (propagateDown[0]) {
            int n = x.count();
            ClKernel k = engine.kernel(KERNELS, "scale_forward");
            k.arg(0, n).arg(1, dim).arg(2, inner).arg(3, y.diff()).arg(4, s.data()).arg(5, x.diff());
            engine.run1d(k, n);
        }
    }

    @Override
    public long forwardFlops() {
        return span == null ? 0 : (spec.biasTerm() ? 2L : 1L) * span.count();
    }

    @Override
    public void close() {
        if (xCopy != null) {
            xCopy.close();
            xCopy = null;
        }
        super.close();
    }
}
