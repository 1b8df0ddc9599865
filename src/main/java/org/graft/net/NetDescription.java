package org.graft.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.google.protobuf.Message;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.net.config.ProtoMaps;
import org.graft.layers.Layer;
import org.graft.layers.Param;
import org.graft.ops.accuracy.AccuracyLayer;
import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.ops.pooling.PoolingLayer;
import org.graft.ops.softmax.SoftmaxLayer;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer;

/**
 * The network exactly as Graft built it, as plain maps and lists for a JSON writer: inputs with their
 * shapes, then every layer in execution order (implicit Splits included, in-place blobs under their
 * shared name) with its bottoms, tops, top shapes, parameters and the settings another framework needs
 * to build the same computation. Keys use Caffe's field names.
 */
public final class NetDescription {
    private NetDescription() {
    }

    public static Map<String, Object> of(Net net) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", net.name());
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (String in : net.inputNames()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", in);
            m.put("shape", shape(net.blob(in)));
            inputs.add(m);
        }
        out.put("inputs", inputs);
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int i = 0; i < net.entries().size(); i++) {
            layers.add(layer(net, i));
        }
        out.put("layers", layers);
        return out;
    }

    private static Map<String, Object> layer(Net net, int i) {
        Net.Entry en = net.entries().get(i);
        Layer l = en.layer();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", l.name());
        m.put("type", l.type());
        m.put("bottoms", en.bottoms());
        m.put("tops", en.tops());
        List<int[]> topShapes = new ArrayList<>();
        for (Blob b : net.tops(i)) {
            topShapes.add(shape(b));
        }
        m.put("top_shapes", topShapes);
        m.put("needs_backward", net.needsBackward(i));
        m.put("propagate_down", net.propagateDown(i));
        m.put("is_loss", l.isLoss());
        m.put("loss_weights", en.lossWeights());
        List<Map<String, Object>> params = new ArrayList<>();
        for (Param p : l.params()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.name());
            pm.put("shape", shape(p.blob()));
            pm.put("lr_mult", p.lrMult());
            pm.put("decay_mult", p.decayMult());
            params.add(pm);
        }
        m.put("params", params);
        m.put("forward_flops", l.forwardFlops());
        m.put("backward_flops", l.backwardFlops());
        if (l.settings() != null) {
            // Layers with LayerSettings print every field of their typed message(s), defaults included.
            Caffe.LayerParameter.Builder typed = Caffe.LayerParameter.newBuilder();
            l.settings().writeTo(typed);
            typed.getAllFields().forEach((f, v) -> m.put(f.getName(), ProtoMaps.complete((Message) v)));
        }
        Map.Entry<String, Map<String, Object>> settings = settings(l);
        if (settings != null) {
            m.put(settings.getKey(), settings.getValue());
        }
        return m;
    }

    /** Caffe's name of the layer's parameter message (e.g. "convolution_param") with its fields; null for none. */
    private static Map.Entry<String, Map<String, Object>> settings(Layer l) {
        Map<String, Object> s = new LinkedHashMap<>();
        String key;
        if (l instanceof ConvolutionLayer c) {
            key = "convolution_param";
            ConvolutionLayer.Spec p = c.spec();
            s.put("num_output", p.numOutput());
            s.put("kernel_h", p.kernelH());
            s.put("kernel_w", p.kernelW());
            s.put("stride_h", p.strideH());
            s.put("stride_w", p.strideW());
            s.put("pad_h", p.padH());
            s.put("pad_w", p.padW());
            s.put("dilation_h", p.dilationH());
            s.put("dilation_w", p.dilationW());
            s.put("group", p.group());
            s.put("bias_term", p.biasTerm());
        } else if (l instanceof PoolingLayer pl) {
            key = "pooling_param";
            PoolingLayer.Spec p = pl.spec();
            s.put("pool", p.method().name());
            s.put("kernel_h", p.kernelH());
            s.put("kernel_w", p.kernelW());
            s.put("stride_h", p.strideH());
            s.put("stride_w", p.strideW());
            s.put("pad_h", p.padH());
            s.put("pad_w", p.padW());
            s.put("global_pooling", p.globalPooling());
            s.put("round_mode", p.roundMode().name());
        } else if (l instanceof InnerProductLayer ip) {
            key = "inner_product_param";
            InnerProductLayer.Spec p = ip.spec();
            s.put("num_output", p.numOutput());
            s.put("bias_term", p.biasTerm());
            s.put("transpose", p.transpose());
            s.put("axis", p.axis());
        } else if (l instanceof SoftmaxLayer sm) {
            key = "softmax_param";
            s.put("axis", sm.spec().axis());
        } else if (l instanceof SoftmaxWithLossLayer sl) {
            key = "loss_param";
            SoftmaxWithLossLayer.Spec p = sl.spec();
            s.put("axis", p.axis());
            s.put("ignore_label", p.ignoreLabel());
            s.put("normalization", p.normalization().name());
        } else if (l instanceof AccuracyLayer a) {
            key = "accuracy_param";
            AccuracyLayer.Spec p = a.spec();
            s.put("top_k", p.topK());
            s.put("axis", p.axis());
            s.put("ignore_label", p.ignoreLabel());
        } else {
            return null; // Split and other layers without settings: bottoms and tops say everything
        }
        return Map.entry(key, s);
    }

    private static int[] shape(Blob b) {
        return Arrays.copyOf(b.shape(), b.numAxes());
    }
}
