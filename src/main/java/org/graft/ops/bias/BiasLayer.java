package org.graft.ops.bias;

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
 * Caffe's "Bias": y = x + b, b shaped like the bottom's axes [axis, axis + num_axes) and broadcast over the
 * others (num_axes −1: to the end; 0: a scalar). With one bottom b is a learned blob (filler default
 * constant 0); with two, b is bottom[1], which then gets the gradient. May run in place (backward needs no x).
 * Kernels: bias.cl and channel_sum.cl; reference: {@link BiasReference}.
 */
public final class BiasLayer extends Layer {
    /**
     * Caffe's BiasParameter; {@code filler} null when not given. {@code biasIsBottom}: the layer has two
     * bottoms (the bias is bottom[1]), taken from the layer's bottom count when bound.
     */
    public record Spec(int axis, int numAxes, Caffe.FillerParameter filler, boolean biasIsBottom) implements LayerSettings {
        public static final Spec DEFAULT = new Spec(1, 1, null, false);

        /** Binds a layer's bias_param (see {@code LayerType.Binder}); settings without effect are refused. */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.BiasParameter p = layer.getBiasParam();
            String at = path + ".bias_param.";
            boolean twoBottoms = layer.getBottomCount() == 2;
            int numAxes = c.atLeast(p.getNumAxes(), -1, at + "num_axes");
            if (twoBottoms && numAxes != DEFAULT.numAxes) {
                throw c.error(at + "num_axes", "has no effect with two bottoms (the bias is bottom[1], whose axes count); leave it out");
            }
            if (twoBottoms && p.hasFiller()) {
                throw c.error(at + "filler", "has no effect with two bottoms (the bias is bottom[1], not learned); leave it out");
            }
            if (p.hasFiller()) {
                c.filler(p.getFiller(), at + "filler");
            }
            return new Spec(p.getAxis(), numAxes, p.hasFiller() ? p.getFiller() : null, twoBottoms);
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.BiasParameter.Builder p = layer.getBiasParamBuilder();
            if (axis != DEFAULT.axis) {
                p.setAxis(axis);
            }
            if (numAxes != DEFAULT.numAxes) {
                p.setNumAxes(numAxes);
            }
            if (filler != null) {
                p.setFiller(filler);
            }
        }

        @Override
        public int learnableBlobs() {
            return biasIsBottom ? 0 : 1;
        }

        @Override
        public Caffe.FillerParameter filler(int blob) {
            return filler != null ? filler : Caffe.FillerParameter.getDefaultInstance();
        }
    }

    private static final String KERNELS = "bias.cl";
    private final Spec spec;
    private AxisSpan span;

    public BiasLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Bias";
    }

    @Override
    public int exactBottoms() {
        return spec.biasIsBottom() ? 2 : 1;
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
        int[] run = spec.biasIsBottom() ? bottomShapes.get(1).clone() : AxisSpan.runShape(this, x, spec.axis(), spec.numAxes());
        AxisSpan.of(this, x, spec.axis(), run);
        return new LayerShapes(List.of(x.clone()), spec.biasIsBottom() ? List.of() : List.of(run));
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        LayerShapes s = shapes(bottomShapes);
        int[] x = bottomShapes.get(0);
        if (!spec.biasIsBottom()) {
            if (params.isEmpty()) {
                Blob b = newParam("bias", s.params().get(0));
                params.add(new Param(b.name(), b));
            } else if (!Arrays.equals(params.get(0).blob().shape(), s.params().get(0))) {
                throw shapeError("the bias is shaped " + Arrays.toString(params.get(0).blob().shape()) + ", but the bottom needs "
                        + Arrays.toString(s.params().get(0)), x);
            }
        }
        span = AxisSpan.of(this, x, spec.axis(), spec.biasIsBottom() ? bottomShapes.get(1) : s.params().get(0));
        return s.tops();
    }

    private Blob bias(List<Blob> bottom) {
        return spec.biasIsBottom() ? bottom.get(1) : params.get(0).blob();
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob x = bottom.get(0);
        int n = x.count();
        ClKernel k = engine.kernel(KERNELS, "bias_forward");
        k.arg(0, n).arg(1, span.dim()).arg(2, span.inner()).arg(3, x.data()).arg(4, bias(bottom).data()).arg(5, top.get(0).data());
        engine.run1d(k, n);
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        if (!spec.biasIsBottom() || propagateDown[1]) {
            // A bottom's diff is overwritten, a parameter's accumulated.
            ChannelSum.sum(engine, y.diff(), span.outer(), span.dim(), span.inner(), 1f, spec.biasIsBottom() ? 0f : 1f, bias(bottom).diff());
        }
        if (propagateDown[0] && x != y) {
            engine.cl().copy(y.diff(), 0, x.diff(), 0, x.count() * 4L);
        }
    }

    @Override
    public long forwardFlops() {
        return span == null ? 0 : span.count();
    }
}
