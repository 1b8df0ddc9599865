package org.graft.net.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.LayerSettings;
import org.graft.ops.accuracy.AccuracyLayer;
import org.graft.ops.pooling.PoolingLayer;
import org.graft.ops.softmax.SoftmaxLayer;
import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer;

/**
 * Writes a {@link NetConfig} as net.json text. Only values that differ from the defaults are written
 * (as one would write the file by hand), and paths are written as stored, i.e. absolute for a loaded
 * config. {@code NetConfigLoader.parse(toJson(c), file)} gives back {@code c}'s layers, solver and init.
 */
public final class NetConfigWriter {
    private NetConfigWriter() {
    }

    public static String toJson(NetConfig net) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", net.name());
        if (net.forceBackward()) {
            root.put("force_backward", true);
        }
        List<Object> layers = new ArrayList<>();
        for (LayerConfig l : net.layers()) {
            layers.add(layer(l));
        }
        root.put("layers", layers);
        if (net.solver() != null) {
            root.put("solver", ProtoMaps.written(net.solver().toProto()));
        }
        if (net.init() != null) {
            root.put("init", Map.of("weights", net.init().weights().toString()));
        }
        return JsonText.render(root);
    }

    /** Writes {@code net} to {@code file} (UTF-8), creating its folder if needed. */
    public static void write(NetConfig net, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toJson(net), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @SuppressWarnings("unchecked")  // ProtoMaps gives every typed parameter message as a map
    private static Map<String, Object> layer(LayerConfig l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", l.name());
        m.put("type", l.type().jsonName());
        putList(m, "bottom", l.bottom());
        putList(m, "top", l.top());
        if (!l.param().isEmpty()) {
            List<Object> specs = new ArrayList<>();
            for (ParamSpec p : l.param()) {
                Map<String, Object> s = new LinkedHashMap<>();
                putIf(s, "name", p.name(), p.name() != null);
                s.put("lr_mult", p.lrMult());
                s.put("decay_mult", p.decayMult());
                specs.add(s);
            }
            m.put("param", specs);
        }
        putList(m, "loss_weight", l.lossWeight());
        putRules(m, "include", l.include());
        putRules(m, "exclude", l.exclude());
        putList(m, "propagate_down", l.propagateDown());
        putParam(m, "convolution_param", l.convolutionParam() == null ? null : convolution(l.convolutionParam()));
        putParam(m, "pooling_param", l.poolingParam() == null ? null : pooling(l.poolingParam()));
        putParam(m, "inner_product_param", l.innerProductParam() == null ? null : innerProduct(l.innerProductParam()));
        // SoftmaxWithLoss keeps its softmax axis in its own spec; Caffe writes it as softmax_param.
        SoftmaxLayer.Spec softmax = l.lossParam() != null ? new SoftmaxLayer.Spec(l.lossParam().axis()) : l.softmaxParam();
        if (softmax != null && !softmax.equals(SoftmaxLayer.Spec.defaults())) {
            m.put("softmax_param", Map.of("axis", softmax.axis()));
        }
        putParam(m, "loss_param", l.lossParam() == null ? null : loss(l.lossParam()));
        putParam(m, "accuracy_param", l.accuracyParam() == null ? null : accuracy(l.accuracyParam()));
        Caffe.LayerParameter.Builder typed = Caffe.LayerParameter.newBuilder();
        if (l.inputParam() != null) {
            l.inputParam().writeTo(typed);
        }
        if (l.transformParam() != null) {
            l.transformParam().writeTo(typed);
        }
        if (l.dataParam() != null) {
            l.dataParam().writeTo(typed);
        }
        if (l.imageDataParam() != null) {
            l.imageDataParam().writeTo(typed);
        }
        LayerSettings settings = l.settings(LayerSettings.class);
        if (settings != null) {
            settings.writeTo(typed);
        }
        ProtoMaps.written(typed.build()).forEach((key, value) -> putParam(m, key, (Map<String, Object>) value));
        return m;
    }

    private static Map<String, Object> convolution(ConvolutionParam cp) {
        ConvolutionLayer.Spec c = cp.spec();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("num_output", c.numOutput());
        putIf(m, "bias_term", false, !c.biasTerm());
        putPair(m, "kernel_size", "kernel_h", "kernel_w", c.kernelH(), c.kernelW(), -1);
        putPair(m, "stride", "stride_h", "stride_w", c.strideH(), c.strideW(), 1);
        putPair(m, "pad", "pad_h", "pad_w", c.padH(), c.padW(), 0);
        if (c.dilationH() != 1 || c.dilationW() != 1) {
            m.put("dilation", c.dilationH() == c.dilationW() ? (Object) c.dilationH() : List.of(c.dilationH(), c.dilationW()));
        }
        putIf(m, "group", c.group(), c.group() != 1);
        putFiller(m, "weight_filler", cp.weightFiller());
        putFiller(m, "bias_filler", cp.biasFiller());
        return m;
    }

    private static Map<String, Object> pooling(PoolingLayer.Spec p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pool", p.method().name());
        if (p.globalPooling()) {
            m.put("global_pooling", true);
        } else {
            putPair(m, "kernel_size", "kernel_h", "kernel_w", p.kernelH(), p.kernelW(), -1);
            putPair(m, "stride", "stride_h", "stride_w", p.strideH(), p.strideW(), 1);
            putPair(m, "pad", "pad_h", "pad_w", p.padH(), p.padW(), 0);
        }
        putIf(m, "round_mode", p.roundMode().name(), p.roundMode() != Caffe.PoolingParameter.RoundMode.CEIL);
        return m;
    }

    private static Map<String, Object> innerProduct(InnerProductParam ip) {
        InnerProductLayer.Spec p = ip.spec();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("num_output", p.numOutput());
        putIf(m, "bias_term", false, !p.biasTerm());
        putFiller(m, "weight_filler", ip.weightFiller());
        putFiller(m, "bias_filler", ip.biasFiller());
        putIf(m, "axis", p.axis(), p.axis() != 1);
        putIf(m, "transpose", true, p.transpose());
        return m;
    }

    private static Map<String, Object> loss(SoftmaxWithLossLayer.Spec p) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIf(m, "ignore_label", p.ignoreLabel(), p.ignoreLabel() != null);
        putIf(m, "normalization", p.normalization().name(), p.normalization() != Caffe.LossParameter.NormalizationMode.VALID);
        return m;
    }

    private static Map<String, Object> accuracy(AccuracyLayer.Spec p) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIf(m, "top_k", p.topK(), p.topK() != 1);
        putIf(m, "axis", p.axis(), p.axis() != 1);
        putIf(m, "ignore_label", p.ignoreLabel(), p.ignoreLabel() != null);
        return m;
    }

    private static void putFiller(Map<String, Object> m, String key, Filler f) {
        if (!f.equals(Filler.DEFAULT)) {
            m.put(key, ProtoMaps.written(f.toProto()));
        }
    }

    /** Square sizes as one value ({@code both}), others as the h/w pair; nothing when both equal the default. */
    private static void putPair(Map<String, Object> m, String both, String h, String w, int hv, int wv, int def) {
        if (hv == wv) {
            putIf(m, both, hv, hv != def);
        } else {
            m.put(h, hv);
            m.put(w, wv);
        }
    }

    private static void putRules(Map<String, Object> m, String key, List<NetStateRule> rules) {
        if (rules.isEmpty()) {
            return;
        }
        List<Object> out = new ArrayList<>();
        for (NetStateRule r : rules) {
            out.add(r.phase() == null ? Map.of() : Map.of("phase", r.phase().name()));
        }
        m.put(key, out);
    }

    private static void putParam(Map<String, Object> m, String key, Map<String, Object> value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }

    private static void putList(Map<String, Object> m, String key, List<?> list) {
        if (!list.isEmpty()) {
            m.put(key, list);
        }
    }

    private static void putIf(Map<String, Object> m, String key, Object value, boolean condition) {
        if (condition) {
            m.put(key, value);
        }
    }
}
