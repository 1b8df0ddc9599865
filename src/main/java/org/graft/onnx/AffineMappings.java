package org.graft.onnx;

import java.util.Arrays;
import java.util.List;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.net.config.LayerConfig;
import org.graft.ops.batchnorm.BatchNormLayer;
import org.graft.ops.bias.BiasLayer;
import org.graft.ops.scale.ScaleLayer;

/** BatchNorm, Scale and Bias: per-channel (or per-span) affine layers, registered in {@link LayerMappings}. */
final class AffineMappings {
    private AffineMappings() {
    }

    /**
     * BatchNorm at inference: ONNX BatchNormalization (scale 1, bias 0) with Caffe's stored statistics
     * folded: mean = mean_sum/factor, var = var_sum/factor (factor 0 gives 0, as in Caffe), same epsilon.
     * Batch statistics at inference (use_global_stats: false in TEST) would depend on the batch: refused.
     */
    static void batchNorm(LayerConfig l, OnnxGraph g) {
        BatchNormLayer.Spec s = l.settings(BatchNormLayer.Spec.class);
        if (Boolean.FALSE.equals(s.useGlobalStats())) {
            throw OnnxExportException.of(l, "use_global_stats: false normalises with each batch's own statistics at inference,"
                    + " which an ONNX model cannot reproduce; remove it (TEST uses the stored statistics)");
        }
        int[] shape = g.bottomShape(l, 0);
        if (shape.length < 2) {
            throw OnnxExportException.of(l, "ONNX BatchNormalization needs the channels on axis 1; the bottom has " + shape.length + " axis");
        }
        int c = shape[1];
        WeightBlob factorBlob = g.weight(l, 2);
        double factor = factorBlob.data()[0];
        double scale = factor == 0 ? 0 : 1 / factor;
        float[] mean = new float[c];
        float[] var = new float[c];
        float[] ones = new float[c];
        float[] zeros = new float[c];
        for (int i = 0; i < c; i++) {
            mean[i] = (float) (g.weight(l, 0).data()[i] * scale);
            var[i] = (float) (g.weight(l, 1).data()[i] * scale);
            ones[i] = 1f;
        }
        long[] dims = {c};
        String x = g.bottom(l, 0);
        g.node(l, "BatchNormalization", List.of(x, g.floats(l.name() + "/scale", dims, ones), g.floats(l.name() + "/bias", dims, zeros),
                g.floats(l.name() + "/mean", dims, mean), g.floats(l.name() + "/variance", dims, var)), g.top(l, 0))
                .f("epsilon", s.eps());
    }

    /**
     * Scale: y = x · scale (+ bias), the scale spanning axes [axis, axis + num_axes) of x: ONNX Mul (and Add)
     * with the scale shaped to broadcast (its axes, then 1s to x's rank). The scale is a learned blob, or
     * the second bottom (reshaped so).
     */
    static void scale(LayerConfig l, OnnxGraph g) {
        ScaleLayer.Spec s = l.settings(ScaleLayer.Spec.class);
        int[] x = g.bottomShape(l, 0);
        int axis = LayerMappings.canonicalAxis(l, s.axis(), x.length);
        String in = g.bottom(l, 0);
        String factor;
        int next = 0;
        if (s.scaleIsBottom()) {
            int[] run = g.bottomShape(l, 1);
            if (axis == 0 && g.dynamicBatch()) {
                throw OnnxExportException.of(l, "a scale bottom from axis 0 spans the batch; export with --batch N");
            }
            factor = g.temp(l, "scale_broadcast");
            g.node(l, "Reshape", List.of(g.bottom(l, 1), g.int64s(l.name() + "/scale_shape", broadcast(run, x.length - axis))), factor);
        } else {
            factor = broadcastWeight(l, g, 0, "scale", x.length - axis);
            next = 1;
        }
        if (!s.biasTerm()) {
            g.node(l, "Mul", List.of(in, factor), g.top(l, 0));
            return;
        }
        String scaled = g.temp(l, "scaled");
        g.node(l, "Mul", List.of(in, factor), scaled);
        g.node(l, "Add", List.of(scaled, broadcastWeight(l, g, next, "bias", x.length - axis)), g.top(l, 0));
    }

    /** Bias: y = x + bias over axes [axis, axis + num_axes): ONNX Add, the bias a learned blob or the second bottom. */
    static void bias(LayerConfig l, OnnxGraph g) {
        BiasLayer.Spec s = l.settings(BiasLayer.Spec.class);
        int[] x = g.bottomShape(l, 0);
        int axis = LayerMappings.canonicalAxis(l, s.axis(), x.length);
        String in = g.bottom(l, 0);
        String b;
        if (s.biasIsBottom()) {
            if (axis == 0 && g.dynamicBatch()) {
                throw OnnxExportException.of(l, "a bias bottom from axis 0 spans the batch; export with --batch N");
            }
            b = g.temp(l, "bias_broadcast");
            g.node(l, "Reshape", List.of(g.bottom(l, 1), g.int64s(l.name() + "/bias_shape", broadcast(g.bottomShape(l, 1), x.length - axis))), b);
        } else {
            b = broadcastWeight(l, g, 0, "bias", x.length - axis);
        }
        g.node(l, "Add", List.of(in, b), g.top(l, 0));
    }

    /** A learned blob as an initializer shaped to broadcast against the trailing {@code trailingRank} axes of x. */
    private static String broadcastWeight(LayerConfig l, OnnxGraph g, int blob, String what, int trailingRank) {
        WeightBlob w = g.weight(l, blob);
        return g.floats(l.name() + "/" + what, broadcast(w.shape(), trailingRank), w.data());
    }

    /** {@code run} followed by 1s up to {@code trailingRank} axes (NumPy broadcasting aligns from the right). */
    private static long[] broadcast(int[] run, int trailingRank) {
        long[] dims = new long[trailingRank];
        Arrays.fill(dims, 1);
        for (int i = 0; i < run.length; i++) {
            dims[i] = run[i];
        }
        return dims;
    }
}
