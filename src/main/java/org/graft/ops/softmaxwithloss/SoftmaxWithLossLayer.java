package org.graft.ops.softmaxwithloss;

import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.caffe.proto.Caffe.LossParameter.NormalizationMode;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.kernels.PairSum;
import org.graft.layers.AxisSplit;
import org.graft.layers.LabelErrorFlag;
import org.graft.layers.LabelledLayer;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.SettingChecks;
import org.graft.layers.Pass;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;
import org.graft.ops.softmax.SoftmaxLayer;

/**
 * Caffe's "SoftmaxWithLoss": softmax over {@code axis} (kernels/softmax.cl) followed by the
 * multinomial logistic loss −Σ log max(p_label, FLT_MIN) / normaliser (kernels/softmax_loss.cl).
 * Bottoms: scores and labels (a float blob of integer class ids, one per (outer, inner) position).
 * top[0] is the scalar loss, shape [1]. Everything, including the reduction, runs on the device;
 * labels outside [0, C) are flagged there and reported by {@link #checkLabels()}.
 * Reference: {@link org.graft.ops.softmaxwithloss.SoftmaxWithLossReference}.
 */
public final class SoftmaxWithLossLayer extends Layer implements LabelledLayer {
    private static final String KERNELS = "softmax_loss.cl";

    /**
     * SoftmaxParameter.axis (1; any axis of the scores, negative from the end), LossParameter.ignore_label
     * (none when null) and LossParameter.normalization (VALID).
     */
    public record Spec(int axis, Integer ignoreLabel, NormalizationMode normalization) implements LayerSettings {
        public Spec {
            if (normalization == null) {
                throw new IllegalArgumentException("SoftmaxWithLoss normalization must not be null (Caffe's default is VALID)");
            }
        }

        public static Spec defaults() {
            return new Spec(1, null, NormalizationMode.VALID);
        }

        /** Binds a layer's softmax_param and loss_param (see {@code LayerType.Binder}). */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.LossParameter p = layer.getLossParam();
            return new Spec(layer.getSoftmaxParam().getAxis(), p.hasIgnoreLabel() ? p.getIgnoreLabel() : null, p.getNormalization());
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            new SoftmaxLayer.Spec(axis).writeTo(layer);
            Caffe.LossParameter.Builder p = layer.getLossParamBuilder();
            if (ignoreLabel != null) {
                p.setIgnoreLabel(ignoreLabel);
            }
            if (normalization != NormalizationMode.VALID) {
                p.setNormalization(normalization);
            }
        }
    }

    private final Spec spec;
    private AxisSplit split;
    private Blob probabilities;
    private final PairSum.Workspace reduction; // per-sample loss, then per-sample "counted" flags
    private ClBuffer normaliser;  // 1 float, written by forward for backward
    private LabelErrorFlag labelErrors;

    public SoftmaxWithLossLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
        this.reduction = new PairSum.Workspace(name);
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "SoftmaxWithLoss";
    }

    @Override
    public int exactBottoms() {
        return 2;
    }

    @Override
    public boolean isLoss() {
        return true;
    }

    /** The labels (bottom 1) have no gradient, as in Caffe's LossLayer. */
    @Override
    public boolean allowForceBackward(int bottom) {
        return bottom != 1;
    }

    /** The softmax of the last forward pass (layer-owned, same shape as the scores). */
    public Blob probabilities() {
        return probabilities;
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        List<int[]> tops = shapes(bottomShapes).tops();
        int[] scores = bottomShapes.get(0);
        split = AxisSplit.of(this, scores, spec.axis());
        int n = split.positions();
        if (n == 0) {
            throw shapeError("the scores must not be empty", scores);
        }
        if (probabilities == null) {
            probabilities = new Blob(engine, name + ".prob", scores);
            normaliser = engine.alloc(1, name + ".normaliser");
            labelErrors = new LabelErrorFlag(engine, name + ".labelErrors");
        } else {
            probabilities.reshape(scores);
        }
        reduction.ensure(engine, n);
        return tops;
    }

    /**
     * The loss is one value; the labels must hold one class id per position of the scores outside the
     * softmax axis (Caffe: outer·inner = labels' count), whatever their shape.
     */
    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        AxisSplit.checkLabels(this, bottomShapes.get(0), bottomShapes.get(1), spec.axis());
        return LayerShapes.tops(new int[] {1});
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob scores = bottom.get(0);
        if (scores.count() != split.count()) {
            throw shapeError("forward needs the scores shape given to setUp (" + split.count() + " values)", scores.shape());
        }
        SoftmaxLayer.forward(engine, scores.data(), probabilities.data(), split);
        int n = split.positions();
        ClKernel k = engine.kernel(KERNELS, "softmax_loss_per_sample");
        k.arg(0, probabilities.data()).arg(1, bottom.get(1).data())
                .arg(2, split.outer()).arg(3, split.channels()).arg(4, split.inner())
                .arg(5, spec.ignoreLabel() != null ? 1 : 0).arg(6, spec.ignoreLabel() != null ? spec.ignoreLabel() : 0)
                .arg(7, reduction.pairs()).arg(8, labelErrors.buffer());
        engine.run1d(k, n);
        ClBuffer sums = reduction.sum(engine, n);
        ClKernel fin = engine.kernel(KERNELS, "softmax_loss_finalize");
        fin.arg(0, sums).arg(1, spec.normalization().ordinal()).arg(2, fixedNormaliser())
                .arg(3, top.get(0).data()).arg(4, normaliser);
        engine.run1d(fin, 1);
    }

    /** The normaliser for every mode but VALID (which the device counts); enum ordinals are Caffe's. */
    private float fixedNormaliser() {
        return switch (spec.normalization()) {
            case FULL -> (float) split.positions();
            case BATCH_SIZE -> (float) split.outer();
            case NONE, VALID -> 1f;
        };
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (propagateDown.length > 1 && propagateDown[1]) {
            throw new IllegalArgumentException("layer '" + name + "' (" + type() + ") cannot propagate down to the labels (bottom[1])");
        }
        if (!propagateDown[0]) {
            return;
        }
        ClKernel k = engine.kernel(KERNELS, "softmax_loss_backward");
        k.arg(0, probabilities.data()).arg(1, bottom.get(1).data())
                .arg(2, split.outer()).arg(3, split.channels()).arg(4, split.inner())
                .arg(5, spec.ignoreLabel() != null ? 1 : 0).arg(6, spec.ignoreLabel() != null ? spec.ignoreLabel() : 0)
                .arg(7, top.get(0).diff()).arg(8, normaliser).arg(9, bottom.get(0).diff());
        engine.run1d(k, split.count());
    }

    /**
     * Throws, naming this layer, the label and the class count, if a forward pass since the last check
     * met a label outside [0, C) that is not the ignore_label. Costs one 12-byte read (which waits
     * for the queue), so the net calls it when it reads the loss anyway.
     */
    @Override
    public void checkLabels() {
        if (labelErrors != null) {
            labelErrors.check(this, split.channels(), split.axis(), split.inner());
        }
    }

    @Override
    public long forwardFlops() {
        return split == null ? 0 : 4L * split.count() + 3L * split.positions();
    }

    @Override
    public long backwardFlops() {
        return split == null ? 0 : 2L * split.count();
    }

    private static void release(ClBuffer b) {
        if (b != null) {
            b.close();
        }
    }

    @Override
    public int classes() {
        return split.channels();
    }

    @Override
    public Integer ignoreLabel() {
        return spec.ignoreLabel();
    }

    @Override
    public void close() {
        if (probabilities != null) {
            probabilities.close();
            labelErrors.close();
        }
        reduction.close();
        release(normaliser);
        normaliser = null;
        probabilities = null;
        labelErrors = null;
        super.close();
    }
}
