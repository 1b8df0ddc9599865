package org.graft.ops.batchnorm;

import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.kernels.ChannelSum;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "BatchNorm" (Ioffe & Szegedy 2015, without the affine part, which is a Scale layer in Caffe's
 * nets): y = (x − mean_c) / sqrt(var_c + eps) per channel c of axis 1, over all other axes (a rank-1
 * bottom is one channel). Its three blobs are Caffe's: the running mean and variance sums and their
 * scale factor (the stored sums are divided by it at use; factor 0 means 0).
 * <ul>
 * <li>Batch statistics (use_global_stats false; unset: in TRAIN): the batch's mean and biased variance,
 * m = N·(spatial) values per channel; in a TRAIN pass the running sums are then updated as Caffe does
 * (factor = maf·factor + 1, mean += ..., variance with the unbiased m/(m−1) correction, 1 when m = 1).
 * Unlike Caffe, a TEST pass never updates them: testing must not change the model (the TEST net shares the
 * TRAIN net's blobs). With m = 1 the batch variance is 0 and the top is 0, as in Caffe.</li>
 * <li>Global statistics (true; unset: in TEST): the stored ones; backward is dx = dy / sqrt(var + eps).</li>
 * </ul>
 * The blobs are never the solver's ({@link Spec#solverUpdates}: lr_mult 0, as Caffe forces it). May run in
 * place: the layer keeps x̂ (Caffe's x_norm) for backward. Kernels: batch_norm.cl and channel_sum.cl;
 * reference: {@link BatchNormReference}.
 */
public final class BatchNormLayer extends Layer {
    /** Caffe's BatchNormParameter; {@code useGlobalStats} null when unset (decided by the pass's phase). */
    public record Spec(Boolean useGlobalStats, float movingAverageFraction, float eps) implements LayerSettings {
        public static final Spec DEFAULT = new Spec(null, 0.999f, 1e-5f);

        /** Binds a layer's batch_norm_param (see {@code LayerType.Binder}). */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.BatchNormParameter p = layer.getBatchNormParam();
            String at = path + ".batch_norm_param.";
            float maf = c.finite(p.getMovingAverageFraction(), at + "moving_average_fraction");
            if (maf < 0f || maf > 1f) {
                throw c.error(at + "moving_average_fraction", "expected a number in [0, 1], found " + maf);
            }
            float eps = c.finite(p.getEps(), at + "eps");
            if (!(eps > 0f)) {
                // eps 0 divides by zero on any constant channel.
                throw c.error(at + "eps", "expected a number > 0, found " + eps);
            }
            return new Spec(p.hasUseGlobalStats() ? p.getUseGlobalStats() : null, maf, eps);
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.BatchNormParameter.Builder p = layer.getBatchNormParamBuilder();
            if (useGlobalStats != null) {
                p.setUseGlobalStats(useGlobalStats);
            }
            if (movingAverageFraction != DEFAULT.movingAverageFraction) {
                p.setMovingAverageFraction(movingAverageFraction);
            }
            if (eps != DEFAULT.eps) {
                p.setEps(eps);
            }
        }

        /** Mean sums, variance sums, factor; filled with zeros (the default filler) as Caffe does. */
        @Override
        public int learnableBlobs() {
            return 3;
        }

        @Override
        public boolean solverUpdates(int blob) {
            return false;
        }

        /** Whether a pass of this phase normalises with the stored statistics. */
        public boolean globalStats(Pass pass) {
            return useGlobalStats != null ? useGlobalStats : !pass.isTrain();
        }
    }

    private static final String KERNELS = "batch_norm.cl";
    private final Spec spec;
    private int outer;
    private int channels;
    private int spatial;
    private ClBuffer mean;
    private ClBuffer var;
    private ClBuffer std;
    /** x̂ of the last batch-statistics forward (Caffe's x_norm), allocated on first use. */
    private Blob xhat;
    private boolean lastGlobal;

    public BatchNormLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "BatchNorm";
    }

    @Override
    public boolean allowsInPlace() {
        return true;
    }

    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        int[] shape = bottomShapes.get(0);
        if (shape.length < 1) {
            throw shapeError("a BatchNorm bottom needs at least one axis (batch, then channels)", shape);
        }
        int c = channels(shape);
        return new LayerShapes(List.of(shape.clone()), List.of(new int[] {c}, new int[] {c}, new int[] {1}));
    }

    private static int channels(int[] shape) {
        return shape.length == 1 ? 1 : shape[1];
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        LayerShapes s = shapes(bottomShapes);
        int[] shape = bottomShapes.get(0);
        int c = channels(shape);
        if (params.isEmpty()) {
            String[] names = {"mean", "variance", "factor"};
            for (int i = 0; i < 3; i++) {
                Blob b = newParam(names[i], s.params().get(i));
                b.zeroData();
                params.add(new Param(b.name(), b).multipliers(0f, 0f));
            }
        } else if (params.get(0).blob().count() != c) {
            throw shapeError("the statistics hold " + params.get(0).blob().count() + " channels, but the bottom has " + c, shape);
        }
        if (c != channels || mean == null) {
            releaseStats();
            mean = engine.alloc(c, name + ".batchMean");
            var = engine.alloc(c, name + ".batchVariance");
            std = engine.alloc(c, name + ".std");
        }
        outer = shape[0];
        channels = c;
        int count = Blob.count(shape);
        spatial = outer == 0 || c == 0 ? 1 : count / (outer * c);
        if (xhat != null) {
            xhat.reshape(shape);
        }
        return s.tops();
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        int n = x.count();
        lastGlobal = spec.globalStats(pass);
        if (lastGlobal) {
            ClKernel k = engine.kernel(KERNELS, "bn_global_stats");
            k.arg(0, channels).arg(1, blob(0).data()).arg(2, blob(1).data()).arg(3, blob(2).data()).arg(4, spec.eps())
                    .arg(5, mean).arg(6, std);
            engine.run1d(k, channels);
            ClKernel a = engine.kernel(KERNELS, "bn_apply");
            a.arg(0, n).arg(1, channels).arg(2, spatial).arg(3, x.data()).arg(4, mean).arg(5, std).arg(6, y.data());
            engine.run1d(a, n);
            return;
        }
        if (xhat == null) {
            xhat = new Blob(engine, name + ".xhat", x.shape());
        }
        int m = outer * spatial;
        float invM = m == 0 ? 0f : 1f / m;
        ChannelSum.sum(engine, x.data(), outer, channels, spatial, invM, 0f, mean);
        ClKernel center = engine.kernel(KERNELS, "bn_center");
        center.arg(0, n).arg(1, channels).arg(2, spatial).arg(3, x.data()).arg(4, mean).arg(5, xhat.data());
        engine.run1d(center, n);
        ChannelSum.dot(engine, xhat.data(), xhat.data(), outer, channels, spatial, invM, 0f, var);
        boolean update = pass.isTrain();
        ClKernel stats = engine.kernel(KERNELS, "bn_batch_stats");
        stats.arg(0, channels).arg(1, mean).arg(2, var).arg(3, spec.eps()).arg(4, std).arg(5, update ? 1 : 0)
                .arg(6, spec.movingAverageFraction()).arg(7, m > 1 ? (float) m / (m - 1) : 1f)
                .arg(8, blob(0).data()).arg(9, blob(1).data()).arg(10, blob(2).data());
        engine.run1d(stats, channels);
        ClKernel norm = engine.kernel(KERNELS, "bn_normalize");
        norm.arg(0, n).arg(1, channels).arg(2, spatial).arg(3, xhat.data()).arg(4, std).arg(5, y.data());
        engine.run1d(norm, n);
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0]) {
            return;
        }
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        int n = x.count();
        if (lastGlobal) {
            ClKernel k = engine.kernel(KERNELS, "bn_backward_global");
            k.arg(0, n).arg(1, channels).arg(2, spatial).arg(3, y.diff()).arg(4, std).arg(5, x.diff());
            engine.run1d(k, n);
            return;
        }
        int m = outer * spatial;
        float invM = m == 0 ? 0f : 1f / m;
        // mean and var are free until the next forward: they hold mean(dy) and mean(dy·x̂) here.
        ChannelSum.sum(engine, y.diff(), outer, channels, spatial, invM, 0f, mean);
        ChannelSum.dot(engine, y.diff(), xhat.data(), outer, channels, spatial, invM, 0f, var);
        ClKernel k = engine.kernel(KERNELS, "bn_backward_batch");
        k.arg(0, n).arg(1, channels).arg(2, spatial).arg(3, y.diff()).arg(4, xhat.data()).arg(5, mean).arg(6, var)
                .arg(7, std).arg(8, x.diff());
        engine.run1d(k, n);
    }

    private Blob blob(int i) {
        return params.get(i).blob();
    }

    private void releaseStats() {
        for (ClBuffer b : new ClBuffer[] {mean, var, std}) {
            if (b != null) {
                b.close();
            }
        }
        mean = var = std = null;
    }

    @Override
    public void close() {
        releaseStats();
        if (xhat != null) {
            xhat.close();
            xhat = null;
        }
        super.close();
    }
}
