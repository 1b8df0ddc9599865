package org.graft.ops.accuracy;

import java.util.List;
import org.graft.caffe.proto.Caffe;
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
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer;

/**
 * Caffe's "Accuracy": the fraction of samples whose label is among the top-k scores, computed on the
 * device (kernels/accuracy.cl). Bottoms: scores or probabilities, and labels (float class ids, one per
 * (outer, inner) position). top[0] is the accuracy, shape [1]. Ties follow Caffe: a sample is correct
 * when fewer than k other classes score at least as high as the true class, so a tie with the true
 * class counts against it (constant scores give accuracy 0 for k < C, not 1).
 * Reference: {@link org.graft.ops.accuracy.AccuracyReference}.
 */
public final class AccuracyLayer extends Layer implements LabelledLayer {
    private static final String KERNELS = "accuracy.cl";

    /** Caffe's AccuracyParameter: top_k (1), axis (1; any axis of the scores, negative from the end), ignore_label (none when null). */
    public record Spec(int topK, int axis, Integer ignoreLabel) implements LayerSettings {
        public static Spec defaults() {
            return new Spec(1, 1, null);
        }

        /** Binds a layer's accuracy_param (see {@code LayerType.Binder}); top_k is checked against the classes in setUp. */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.AccuracyParameter p = layer.getAccuracyParam();
            return new Spec(c.atLeast(p.getTopK(), 1, path + ".accuracy_param.top_k"), p.getAxis(),
                    p.hasIgnoreLabel() ? p.getIgnoreLabel() : null);
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.AccuracyParameter.Builder p = layer.getAccuracyParamBuilder();
            if (topK != 1) {
                p.setTopK(topK);
            }
            if (axis != 1) {
                p.setAxis(axis);
            }
            if (ignoreLabel != null) {
                p.setIgnoreLabel(ignoreLabel);
            }
        }
    }

    private final Spec spec;
    private AxisSplit split;
    private final PairSum.Workspace reduction; // per-sample "correct", then per-sample "counted"
    private LabelErrorFlag labelErrors;

    public AccuracyLayer(String name, Spec spec) {
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
        return "Accuracy";
    }

    @Override
    public int exactBottoms() {
        return 2;
    }

    /** Accuracy has no gradient (Caffe would abort in its Backward instead). */
    @Override
    public boolean allowForceBackward(int bottom) {
        return false;
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
        if (labelErrors == null) {
            labelErrors = new LabelErrorFlag(engine, name + ".labelErrors");
        }
        reduction.ensure(engine, n);
        return tops;
    }

    /**
     * The accuracy is one value; top_k must not exceed the classes along the axis, and the labels must hold
     * one class id per position of the scores outside it (Caffe: outer·inner = labels' count).
     */
    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        int[] scores = bottomShapes.get(0);
        int a = AxisSplit.canonical(this, scores, spec.axis());
        if (scores[a] >= 0 && spec.topK() > scores[a]) {
            throw shapeError("top_k = " + spec.topK() + " must lie in [1, " + scores[a] + "], the number of classes along axis " + a,
                    scores);
        }
        AxisSplit.checkLabels(this, scores, bottomShapes.get(1), spec.axis());
        return LayerShapes.tops(new int[] {1});
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob scores = bottom.get(0);
        if (scores.count() != split.count()) {
            throw shapeError("forward needs the scores shape given to setUp (" + split.count() + " values)", scores.shape());
        }
        int n = split.positions();
        ClKernel k = engine.kernel(KERNELS, "accuracy_per_sample");
        k.arg(0, scores.data()).arg(1, bottom.get(1).data())
                .arg(2, split.outer()).arg(3, split.channels()).arg(4, split.inner()).arg(5, spec.topK())
                .arg(6, spec.ignoreLabel() != null ? 1 : 0).arg(7, spec.ignoreLabel() != null ? spec.ignoreLabel() : 0)
                .arg(8, reduction.pairs()).arg(9, labelErrors.buffer());
        engine.run1d(k, n);
        ClBuffer sums = reduction.sum(engine, n);
        ClKernel fin = engine.kernel(KERNELS, "accuracy_finalize");
        fin.arg(0, sums).arg(1, top.get(0).data());
        engine.run1d(fin, 1);
    }

    /** Accuracy has no gradient: asking for one is a net configuration error (as in Caffe). */
    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        for (int i = 0; i < propagateDown.length; i++) {
            if (propagateDown[i]) {
                throw new UnsupportedOperationException("layer '" + name + "' (" + type()
                        + ") has no gradient but was asked to propagate down to bottom[" + i + "]");
            }
        }
    }

    /** As {@link SoftmaxWithLossLayer#checkLabels()}: throws if a pass met a label outside [0, C). */
    @Override
    public void checkLabels() {
        if (labelErrors != null) {
            labelErrors.check(this, split.channels(), split.axis(), split.inner());
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
        reduction.close();
        if (labelErrors != null) {
            labelErrors.close();
        }
        labelErrors = null;
        super.close();
    }
}
