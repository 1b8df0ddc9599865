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
import org.graft.ops.dropout.DropoutLayer;
import org.graft.ops.lrn.LRNLayer;
import org.graft.ops.relu.ReLULayer;
import org.graft.ops.convolution.ConvolutionLayer;

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
            root.put("solver", solver(net.solver()));
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
        putParam(m, "lrn_param", l.lrnParam() == null ? null : lrn(l.lrnParam()));
        if (l.dropoutParam() != null && !l.dropoutParam().equals(new DropoutLayer.Spec(0.5f))) {
            m.put("dropout_param", Map.of("dropout_ratio", l.dropoutParam().dropoutRatio()));
        }
        if (l.reluParam() != null && !l.reluParam().equals(new ReLULayer.Spec())) {
            m.put("relu_param", Map.of("negative_slope", l.reluParam().negativeSlope()));
        }
        putParam(m, "input_param", l.inputParam() == null ? null : input(l.inputParam()));
        putParam(m, "transform_param", l.transformParam() == null ? null : transform(l.transformParam()));
        putParam(m, "data_param", l.dataParam() == null ? null : data(l.dataParam()));
        putParam(m, "image_data_param", l.imageDataParam() == null ? null : imageData(l.imageDataParam()));
        LayerSettings settings = l.settings(LayerSettings.class);
        if (settings != null) {
            Caffe.LayerParameter.Builder typed = Caffe.LayerParameter.newBuilder();
            settings.writeTo(typed);
            ProtoMaps.written(typed.build()).forEach((key, value) -> putParam(m, key, (Map<String, Object>) value));
        }
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

    private static Map<String, Object> lrn(LRNLayer.Spec p) {
        LRNLayer.Spec d = LRNLayer.Spec.defaults();
        Map<String, Object> m = new LinkedHashMap<>();
        putIf(m, "local_size", p.localSize(), p.localSize() != d.localSize());
        putIf(m, "alpha", p.alpha(), p.alpha() != d.alpha());
        putIf(m, "beta", p.beta(), p.beta() != d.beta());
        putIf(m, "norm_region", p.region().name(), p.region() != d.region());
        putIf(m, "k", p.k(), p.k() != d.k());
        return m;
    }

    private static Map<String, Object> input(InputParam p) {
        List<Object> shapes = new ArrayList<>();
        for (BlobShape s : p.shape()) {
            shapes.add(Map.of("dim", s.dim()));
        }
        return Map.of("shape", shapes);
    }

    private static Map<String, Object> transform(TransformParam p) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIf(m, "scale", p.scale(), p.scale() != 1f);
        putIf(m, "mirror", true, p.mirror());
        putIf(m, "crop_size", p.cropSize(), p.cropSize() != 0);
        putIf(m, "mean_file", p.meanFile() == null ? null : p.meanFile().toString(), p.meanFile() != null);
        putList(m, "mean_value", p.meanValue());
        return m;
    }

    private static Map<String, Object> data(DataParam p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", p.source().toString());
        putIf(m, "label_source", p.labelSource() == null ? null : p.labelSource().toString(), p.labelSource() != null);
        m.put("backend", p.backend().name());
        m.put("batch_size", p.batchSize());
        putList(m, "classes", p.classes());
        putIf(m, "shuffle", p.shuffle(), p.shuffle() != null);
        putIf(m, "limit", p.limit(), p.limit() != null);
        return m;
    }

    private static Map<String, Object> imageData(ImageDataParam p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", p.source().toString());
        putIf(m, "root_folder", p.rootFolder() == null ? null : p.rootFolder().toString(), p.rootFolder() != null);
        m.put("batch_size", p.batchSize());
        putIf(m, "shuffle", true, p.shuffle());
        putIf(m, "new_height", p.newHeight(), p.newHeight() != 0);
        putIf(m, "new_width", p.newWidth(), p.newWidth() != 0);
        putIf(m, "is_color", false, !p.isColor());
        putList(m, "classes", p.classes());
        return m;
    }

    private static Map<String, Object> solver(SolverConfig s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("base_lr", s.baseLr());
        m.put("lr_policy", s.lrPolicy().jsonName());
        putIf(m, "gamma", s.gamma(), s.gamma() != 0 || s.lrPolicy().needsGamma());
        putIf(m, "power", s.power(), s.power() != 0 || s.lrPolicy().needsPower());
        putIf(m, "stepsize", s.stepsize(), s.stepsize() != 0 || s.lrPolicy().needsStepsize());
        putList(m, "stepvalue", s.stepvalue());
        m.put("max_iter", s.maxIter());
        putIf(m, "momentum", s.momentum(), s.momentum() != 0);
        putIf(m, "weight_decay", s.weightDecay(), s.weightDecay() != 0);
        putIf(m, "display", s.display(), s.display() != 0);
        putIf(m, "average_loss", s.averageLoss(), s.averageLoss() != 1);
        putIf(m, "test_iter", s.testIter(), s.testIter() != 0);
        putIf(m, "test_interval", s.testInterval(), s.testInterval() != 0);
        putIf(m, "test_initialization", false, !s.testInitialization());
        putIf(m, "snapshot", s.snapshot(), s.snapshot() != 0);
        putIf(m, "snapshot_prefix", s.snapshotPrefix() == null ? null : s.snapshotPrefix().toString(),
                s.snapshotPrefix() != null);
        putIf(m, "snapshot_after_train", false, !s.snapshotAfterTrain());
        putIf(m, "random_seed", s.randomSeed(), s.randomSeed() != -1);
        putIf(m, "clip_gradients", s.clipGradients(), s.clipGradients() != -1);
        putList(m, "top_k_report", s.topKReport());
        return m;
    }

    private static void putFiller(Map<String, Object> m, String key, Filler f) {
        if (f.equals(Filler.DEFAULT)) {
            return;
        }
        Filler d = Filler.DEFAULT;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", f.type().jsonName());
        putIf(o, "value", f.value(), f.value() != d.value());
        putIf(o, "min", f.min(), f.min() != d.min());
        putIf(o, "max", f.max(), f.max() != d.max());
        putIf(o, "mean", f.mean(), f.mean() != d.mean());
        putIf(o, "std", f.std(), f.std() != d.std());
        putIf(o, "variance_norm", f.varianceNorm().name(), f.varianceNorm() != d.varianceNorm());
        m.put(key, o);
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
