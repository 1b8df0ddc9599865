package org.graft.ops.lrn;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.graft.caffe.proto.Caffe;
import org.graft.caffe.proto.Caffe.LRNParameter.NormRegion;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.kernels.NdRange;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "LRN" layer (local response normalisation) across channels or within each channel;
 * kernels in {@code kernels/lrn.cl}, maths in {@link org.graft.ops.lrn.LRNReference}. The
 * per-element scale computed by forward is kept in a layer-owned buffer for backward, as Caffe does.
 * WITHIN_CHANNEL ignores {@code k} (Caffe fixes that shift at 1).
 */
public final class LRNLayer extends Layer {
    private static final String KERNELS = "lrn.cl";

    /** Caffe's LRNParameter (defaults: local_size 5, alpha 1, beta 0.75, k 1, ACROSS_CHANNELS). */
    public record Spec(int localSize, float alpha, float beta, float k, NormRegion region) implements LayerSettings {
        public Spec {
            Objects.requireNonNull(region, "region");
        }

        /** Binds a layer's lrn_param (see {@code LayerType.Binder}). */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.LRNParameter p = layer.getLrnParam();
            String at = path + ".lrn_param";
            int size = c.atLeast(p.getLocalSize(), 1, at + ".local_size");
            if (size % 2 == 0) {
                throw c.error(at + ".local_size", "expected an odd local_size (the window is centred), found " + size);
            }
            return new Spec(size, c.finite(p.getAlpha(), at + ".alpha"), c.finite(p.getBeta(), at + ".beta"),
                    c.finite(p.getK(), at + ".k"), p.getNormRegion());
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Spec d = defaults();
            Caffe.LRNParameter.Builder p = layer.getLrnParamBuilder();
            if (localSize != d.localSize) {
                p.setLocalSize(localSize);
            }
            if (alpha != d.alpha) {
                p.setAlpha(alpha);
            }
            if (beta != d.beta) {
                p.setBeta(beta);
            }
            if (region != d.region) {
                p.setNormRegion(region);
            }
            if (k != d.k) {
                p.setK(k);
            }
        }

        public static Spec defaults() {
            return across(5, 1f, 0.75f, 1f);
        }

        public static Spec across(int localSize, float alpha, float beta, float k) {
            return new Spec(localSize, alpha, beta, k, NormRegion.ACROSS_CHANNELS);
        }

        public static Spec within(int localSize, float alpha, float beta) {
            return new Spec(localSize, alpha, beta, 1f, NormRegion.WITHIN_CHANNEL);
        }
    }

    private final Spec spec;
    private int[] bottomShape;
    private ClBuffer scale;
    private long scaleCapacity;
    /** The MAX pooling layer computing this layer's forward (see {@link #fusedInto(String)}), or null. */
    private String fusedInto;

    public LRNLayer(String name, Spec spec) {
        super(name);
        this.spec = Objects.requireNonNull(spec, "spec");
        if (spec.localSize() <= 0 || spec.localSize() % 2 == 0) {
            throw new IllegalArgumentException("layer '" + name + "' (LRN): local_size must be a positive odd number"
                    + " (Caffe supports only odd sizes), got " + spec.localSize());
        }
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        int[] shape = bottomShapes.get(0);
        if (shape.length != 4) {
            throw shapeError("expected 4 axes (num, channels, height, width)", shape);
        }
        return LayerShapes.tops(shape.clone());
    }

    @Override
    public String type() {
        return "LRN";
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        if (bottomShapes.size() != 1) {
            throw new IllegalArgumentException("layer '" + name + "' (LRN) takes 1 bottom, got " + bottomShapes.size());
        }
        List<int[]> tops = shapes(bottomShapes).tops();
        int[] shape = bottomShapes.get(0);
        long need = Blob.count(shape);
        if (need > scaleCapacity) {
            if (scale != null) {
                scale.close();
            }
            scale = engine.alloc(need, name + ".scale");
            scaleCapacity = need;
        }
        this.bottomShape = shape.clone();
        return tops;
    }

    /**
     * Marks this layer's forward as computed by the MAX pooling layer {@code pooling} right before it (null: by
     * itself again), which then writes this layer's top and scale ({@link #bindFusedForward}); backward stays
     * here. Only the net sets this, and only for ACROSS_CHANNELS.
     */
    public void fusedInto(String pooling) {
        if (pooling != null && spec.region() != NormRegion.ACROSS_CHANNELS) {
            throw new IllegalArgumentException("layer '" + name + "' (LRN): only ACROSS_CHANNELS can be fused into pooling");
        }
        fusedInto = pooling;
    }

    @Override
    public String fusedInto() {
        return fusedInto;
    }

    /**
     * Binds this layer's part of {@code max_pool_lrn_forward} (kernels/pooling.cl) from argument {@code first}:
     * alpha/local_size, k, -beta, then this layer's scale buffer and {@code top}'s data, so the scale backward
     * reads is the one the fused kernel writes. The program needs {@link #defines()} too.
     */
    public ClKernel bindFusedForward(ClKernel k, int first, Blob top) {
        if (bottomShape == null) {
            throw new IllegalStateException("layer '" + name + "' (LRN) used before setUp");
        }
        return k.arg(first, spec.alpha() / spec.localSize()).arg(first + 1, spec.k()).arg(first + 2, -spec.beta())
                .arg(first + 3, scale).arg(first + 4, top.data());
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        if (fusedInto != null) {
            return;
        }
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        checkSetUp(x);
        ClKernel k;
        if (spec.region() == NormRegion.ACROSS_CHANNELS) {
            k = engine.kernel(KERNELS, defines(), "lrn_across_forward")
                    .arg(0, bottomShape[0]).arg(1, bottomShape[1]).arg(2, bottomShape[2] * bottomShape[3])
                    .arg(3, spec.alpha() / spec.localSize()).arg(4, spec.k());
        } else {
            k = engine.kernel(KERNELS, defines(), "lrn_within_forward")
                    .arg(0, bottomShape[0] * bottomShape[1]).arg(1, bottomShape[2]).arg(2, bottomShape[3])
                    .arg(3, spec.alpha()).arg(4, (float) (spec.localSize() * spec.localSize()));
        }
        k.arg(5, -spec.beta()).arg(6, x.data()).arg(7, scale).arg(8, y.data());
        launch(k);
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0]) {
            return;
        }
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        checkSetUp(x);
        ClKernel k;
        if (spec.region() == NormRegion.ACROSS_CHANNELS) {
            k = engine.kernel(KERNELS, defines(), "lrn_across_backward")
                    .arg(0, bottomShape[0]).arg(1, bottomShape[1]).arg(2, bottomShape[2] * bottomShape[3])
                    .arg(3, 2f * spec.alpha() * spec.beta() / spec.localSize());
        } else {
            k = engine.kernel(KERNELS, defines(), "lrn_within_backward")
                    .arg(0, bottomShape[0] * bottomShape[1]).arg(1, bottomShape[2]).arg(2, bottomShape[3])
                    .arg(3, 2f * spec.alpha() * spec.beta() / (spec.localSize() * spec.localSize()));
        }
        k.arg(4, -spec.beta()).arg(5, x.data()).arg(6, y.data()).arg(7, scale).arg(8, y.diff()).arg(9, x.diff());
        launch(k);
    }

    /**
     * The window half-size and the beta special case are compile-time constants of the kernels: fixed
     * window loops unroll (and then vectorise on CPUs), and beta 0.75 avoids a general power.
     */
    public String defines() {
        return "-DREACH=" + (spec.localSize() - 1) / 2 + " -DTHREE_QUARTERS=" + (spec.beta() == 0.75f ? 1 : 0);
    }

    /** One work-item per element: (H·W, C, N) across channels, (W, H, N·C) within. */
    private void launch(ClKernel k) {
        int n = bottomShape[0];
        int c = bottomShape[1];
        int h = bottomShape[2];
        int w = bottomShape[3];
        if (spec.region() == NormRegion.ACROSS_CHANNELS) {
            NdRange.run(engine, k, (long) h * w, c, n);
        } else {
            NdRange.run(engine, k, w, h, (long) n * c);
        }
    }

    private void checkSetUp(Blob x) {
        if (bottomShape == null) {
            throw new IllegalStateException("layer '" + name + "' (LRN) used before setUp");
        }
        if (!Arrays.equals(x.shape(), bottomShape)) {
            throw shapeError("expected the shape it was set up for " + Arrays.toString(bottomShape), x.shape());
        }
    }

    @Override
    public long forwardFlops() {
        if (bottomShape == null) {
            return 0;
        }
        long window = spec.region() == NormRegion.ACROSS_CHANNELS ? spec.localSize() : (long) spec.localSize() * spec.localSize();
        return Blob.count(bottomShape) * (2 * window + 4); // squares and sums, scale, pow, product
    }

    @Override
    public void close() {
        if (scale != null) {
            scale.close();
            scale = null;
            scaleCapacity = 0;
        }
        super.close();
    }
}
