package org.graft.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.caffe.proto.Caffe.EltwiseParameter.EltwiseOp;
import org.graft.net.config.LayerConfig;
import org.graft.ops.clip.ClipLayer;
import org.graft.ops.eltwise.EltwiseLayer;
import org.graft.ops.power.PowerLayer;

/** Eltwise, PReLU, Power and Clip, registered in {@link LayerMappings}. */
final class ElementwiseMappings {
    private ElementwiseMappings() {
    }

    /**
     * Eltwise: PROD a chain of Mul, MAX one Max, SUM a chain of Add in Caffe's bottom order, each bottom first
     * multiplied by its coefficient when that is not 1.
     */
    static void eltwise(LayerConfig l, OnnxGraph g) {
        EltwiseLayer.Spec s = l.settings(EltwiseLayer.Spec.class);
        List<String> in = new ArrayList<>();
        for (int i = 0; i < l.bottom().size(); i++) {
            String x = g.bottom(l, i);
            float c = s.operation() == EltwiseOp.SUM && !s.coeff().isEmpty() ? s.coeff().get(i) : 1f;
            if (c != 1f) {
                String scaled = g.temp(l, "coeff" + i);
                g.node(l, "Mul", List.of(x, g.scalar(l.name() + "/coeff" + i, c)), scaled);
                x = scaled;
            }
            in.add(x);
        }
        if (s.operation() == EltwiseOp.MAX) {
            g.node(l, "Max", in, g.top(l, 0));
            return;
        }
        String op = s.operation() == EltwiseOp.PROD ? "Mul" : "Add";
        String acc = in.get(0);
        for (int i = 1; i < in.size(); i++) {
            String out = i == in.size() - 1 ? g.top(l, 0) : g.temp(l, "partial" + i);
            g.node(l, op, List.of(acc, in.get(i)), out);
            acc = out;
        }
    }

    /** PReLU: ONNX PRelu with the slopes shaped [C, 1, ...] to broadcast over axis 1 (or one shared scalar). */
    static void prelu(LayerConfig l, OnnxGraph g) {
        int rank = g.bottomShape(l, 0).length;
        WeightBlob w = g.weight(l, 0);
        long[] dims = new long[w.shape().length == 0 ? 0 : rank - 1];
        if (dims.length > 0) {
            Arrays.fill(dims, 1);
            dims[0] = w.shape()[0];
        }
        String x = g.bottom(l, 0);
        g.node(l, "PRelu", List.of(x, g.floats(l.name() + "/slope", dims, w.data())), g.top(l, 0));
    }

    /** Power: y = (shift + scale·x)^power as Mul, Add, Pow, each only when it changes something. */
    static void power(LayerConfig l, OnnxGraph g) {
        PowerLayer.Spec s = l.settings(PowerLayer.Spec.class);
        String x = g.bottom(l, 0);
        List<String[]> steps = new ArrayList<>();
        if (s.scale() != 1f) {
            steps.add(new String[] {"Mul", g.scalar(l.name() + "/scale", s.scale())});
        }
        if (s.shift() != 0f) {
            steps.add(new String[] {"Add", g.scalar(l.name() + "/shift", s.shift())});
        }
        if (s.power() != 1f) {
            steps.add(new String[] {"Pow", g.scalar(l.name() + "/power", s.power())});
        }
        if (steps.isEmpty()) {
            g.alias(l, 0, x);  // the identity (Caffe copies)
            return;
        }
        for (int i = 0; i < steps.size(); i++) {
            String out = i == steps.size() - 1 ? g.top(l, 0) : g.temp(l, steps.get(i)[0].toLowerCase(java.util.Locale.ROOT));
            g.node(l, steps.get(i)[0], List.of(x, steps.get(i)[1]), out);
            x = out;
        }
    }

    static void clip(LayerConfig l, OnnxGraph g) {
        ClipLayer.Spec s = l.settings(ClipLayer.Spec.class);
        String x = g.bottom(l, 0);
        g.node(l, "Clip", List.of(x, g.scalar(l.name() + "/min", s.min()), g.scalar(l.name() + "/max", s.max())), g.top(l, 0));
    }
}
