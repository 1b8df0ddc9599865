package org.graft.net.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.graft.layers.Phase;

/** Binds one layer object of a net.json to a {@link LayerConfig}, checking every field as it goes. */
final class LayerBinder {
    static final List<String> LAYER_FIELDS = List.of("name", "type", "bottom", "top", "param", "loss_weight",
            "include", "exclude", "propagate_down", "convolution_param", "pooling_param", "lrn_param",
            "dropout_param", "inner_product_param", "relu_param", "softmax_param", "loss_param", "accuracy_param",
            "input_param", "transform_param", "data_param", "image_data_param");
    private static final List<String> PARAM_SPEC_FIELDS = List.of("name", "lr_mult", "decay_mult");
    private static final List<String> RULE_FIELDS = List.of("phase");
    private static final List<String> FILLER_FIELDS = List.of("type", "value", "min", "max", "mean", "std",
            "variance_norm");
    private static final List<String> CONV_FIELDS = List.of("num_output", "bias_term", "pad", "kernel_size",
            "stride", "dilation", "pad_h", "pad_w", "kernel_h", "kernel_w", "stride_h", "stride_w", "group",
            "weight_filler", "bias_filler", "axis");
    private static final List<String> POOL_FIELDS = List.of("pool", "kernel_size", "kernel_h", "kernel_w",
            "stride", "stride_h", "stride_w", "pad", "pad_h", "pad_w", "global_pooling", "round_mode");
    private static final List<String> LRN_FIELDS = List.of("local_size", "alpha", "beta", "norm_region", "k");
    private static final List<String> DROPOUT_FIELDS = List.of("dropout_ratio");
    private static final List<String> IP_FIELDS = List.of("num_output", "bias_term", "weight_filler",
            "bias_filler", "axis", "transpose");
    private static final List<String> RELU_FIELDS = List.of("negative_slope");
    private static final List<String> SOFTMAX_FIELDS = List.of("axis");
    private static final List<String> LOSS_FIELDS = List.of("ignore_label", "normalization");
    private static final List<String> ACCURACY_FIELDS = List.of("top_k", "axis", "ignore_label");
    private static final List<String> INPUT_FIELDS = List.of("shape");
    private static final List<String> SHAPE_FIELDS = List.of("dim");
    private static final List<String> TRANSFORM_FIELDS = List.of("scale", "mirror", "crop_size", "mean_file",
            "mean_value");
    private static final List<String> DATA_FIELDS = List.of("source", "batch_size", "backend", "label_source",
            "classes", "shuffle", "limit");
    private static final List<String> IMAGE_DATA_FIELDS = List.of("source", "batch_size", "shuffle",
            "new_height", "new_width", "is_color", "root_folder", "classes");

    private final Doc doc;

    LayerBinder(Doc doc) {
        this.doc = doc;
    }

    LayerConfig bind(Node node) {
        Fields f = Fields.of(doc, node, "a layer", LAYER_FIELDS);
        String name = f.requireString("name", "every layer needs a name, unique within its phase");
        LayerType type = layerType(f.require("type", "the layer's Caffe type, one of " + supportedTypes()));
        checkApplicable(f, type);

        LayerConfig.Builder b = LayerConfig.builder(name, type);
        List<String> bottom = f.strings("bottom");
        List<String> top = f.strings("top");
        checkCount(f, "bottom", bottom.size(), type.minBottoms(), type.maxBottoms(), type);
        checkCount(f, "top", top.size(), type.minTops(), type.maxTops(), type);
        b.bottom(bottom.toArray(String[]::new)).top(top.toArray(String[]::new));

        List<ParamSpec> specs = f.list("param", this::paramSpec);
        b.param(specs.toArray(ParamSpec[]::new));
        List<Float> lossWeight = f.floats("loss_weight");
        if (!lossWeight.isEmpty() && lossWeight.size() != top.size()) {
            throw f.error("loss_weight", "expected one loss weight per top (" + top.size() + "), found "
                    + lossWeight.size());
        }
        b.lossWeight(lossWeight.toArray(Float[]::new));
        List<Phase> include = f.list("include", this::rulePhase);
        List<Phase> exclude = f.list("exclude", this::rulePhase);
        if (!include.isEmpty() && !exclude.isEmpty()) {
            throw f.error("exclude", "give either include or exclude rules, not both (Caffe's rule)");
        }
        include.forEach(b::include);
        exclude.forEach(b::exclude);
        List<Boolean> propagateDown = f.bools("propagate_down");
        if (!propagateDown.isEmpty() && propagateDown.size() != bottom.size()) {
            throw f.error("propagate_down", "expected one flag per bottom (" + bottom.size() + "), found "
                    + propagateDown.size());
        }
        b.propagateDown(propagateDown.toArray(Boolean[]::new));

        bindTypedParams(f, type, b);
        LayerConfig layer = b.build();
        if (type == LayerType.INPUT) {
            int shapes = layer.inputParam().shape().size();
            if (shapes != 1 && shapes != top.size()) {
                Fields input = Fields.of(doc, f.get("input_param"), "input_param", INPUT_FIELDS);
                throw input.error("shape", "expected one shape for all tops or one per top (" + top.size()
                        + "), found " + shapes);
            }
        }
        if (specs.size() > layer.learnableBlobs()) {
            throw f.error("param", "a " + type.jsonName() + " layer" + (type.hasParams() ? " with these settings" : "")
                    + " has " + layer.learnableBlobs() + " learnable blob(s), but " + specs.size()
                    + " param entries are given");
        }
        return layer;
    }

    private void bindTypedParams(Fields f, LayerType type, LayerConfig.Builder b) {
        switch (type) {
            case INPUT -> b.input(input(required(f, type, "input_param", "the shape of each top")));
            case DATA -> {
                b.data(data(required(f, type, "data_param", "source, batch_size and backend")));
                b.transform(transform(f.object("transform_param", "transform_param", TRANSFORM_FIELDS)));
            }
            case IMAGE_DATA -> {
                b.imageData(imageData(required(f, type, "image_data_param", "the image list in source")));
                b.transform(transform(f.object("transform_param", "transform_param", TRANSFORM_FIELDS)));
            }
            case CONVOLUTION -> b.convolution(convolution(required(f, type, "convolution_param", "num_output and kernel_size")));
            case POOLING -> b.pooling(pooling(required(f, type, "pooling_param", "kernel_size and stride, or global_pooling")));
            case LRN -> b.lrn(lrn(f.object("lrn_param", "lrn_param", LRN_FIELDS)));
            case RELU -> b.relu(relu(f.object("relu_param", "relu_param", RELU_FIELDS)));
            case DROPOUT -> b.dropout(dropout(f.object("dropout_param", "dropout_param", DROPOUT_FIELDS)));
            case INNER_PRODUCT -> b.innerProduct(innerProduct(required(f, type, "inner_product_param", "num_output")));
            case SOFTMAX -> b.softmax(softmax(f.object("softmax_param", "softmax_param", SOFTMAX_FIELDS)));
            case SOFTMAX_WITH_LOSS -> {
                b.softmax(softmax(f.object("softmax_param", "softmax_param", SOFTMAX_FIELDS)));
                b.loss(loss(f.object("loss_param", "loss_param", LOSS_FIELDS)));
            }
            case ACCURACY -> b.accuracy(accuracy(f.object("accuracy_param", "accuracy_param", ACCURACY_FIELDS)));
            case SPLIT -> { }
        }
    }

    private Fields required(Fields f, LayerType type, String key, String hint) {
        if (!f.has(key)) {
            throw f.missing(key, "a " + type.jsonName() + " layer needs " + hint);
        }
        return f.object(key, key, knownFieldsOf(key));
    }

    private static List<String> knownFieldsOf(String key) {
        return switch (key) {
            case "input_param" -> INPUT_FIELDS;
            case "data_param" -> DATA_FIELDS;
            case "image_data_param" -> IMAGE_DATA_FIELDS;
            case "convolution_param" -> CONV_FIELDS;
            case "pooling_param" -> POOL_FIELDS;
            case "inner_product_param" -> IP_FIELDS;
            default -> throw new IllegalArgumentException(key);
        };
    }

    /** The typed parameter objects a layer type reads; giving any other is an error (it would be ignored). */
    static List<String> applicableParams(LayerType type) {
        return switch (type) {
            case INPUT -> List.of("input_param");
            case DATA -> List.of("data_param", "transform_param");
            case IMAGE_DATA -> List.of("image_data_param", "transform_param");
            case CONVOLUTION -> List.of("convolution_param");
            case POOLING -> List.of("pooling_param");
            case LRN -> List.of("lrn_param");
            case RELU -> List.of("relu_param");
            case DROPOUT -> List.of("dropout_param");
            case INNER_PRODUCT -> List.of("inner_product_param");
            case SOFTMAX -> List.of("softmax_param");
            case SOFTMAX_WITH_LOSS -> List.of("softmax_param", "loss_param");
            case ACCURACY -> List.of("accuracy_param");
            case SPLIT -> List.of();
        };
    }

    private void checkApplicable(Fields f, LayerType type) {
        List<String> applicable = applicableParams(type);
        for (String key : f.node().members.keySet()) {
            if (key.endsWith("_param") && !applicable.contains(key)) {
                Node.Member m = f.node().members.get(key);
                String takes = applicable.isEmpty() ? "takes no typed parameters"
                        : "takes " + String.join(", ", applicable);
                throw doc.error(m.line(), m.column(), Node.child(f.node().path, key),
                        "\"" + key + "\" does not apply to a " + type.jsonName() + " layer (a " + type.jsonName()
                                + " layer " + takes + ")");
            }
        }
    }

    private static void checkCount(Fields f, String key, int n, int min, int max, LayerType type) {
        if (n >= min && (max < 0 || n <= max)) {
            return;
        }
        String expected = max < 0 ? "at least " + min : min == max ? "exactly " + min : min + " to " + max;
        String noun = key.equals("bottom") ? "bottom" : "top";
        throw f.error(key, "a " + type.jsonName() + " layer takes " + expected + " " + noun
                + (max == 1 && min == 1 ? "" : "s") + ", found " + n);
    }

    private LayerType layerType(Node n) {
        String s = doc.asNonEmptyString(n);
        for (LayerType t : LayerType.values()) {
            if (t.jsonName().equals(s)) {
                return t;
            }
        }
        String close = Fields.closest(s, Arrays.stream(LayerType.values()).map(LayerType::jsonName).toList());
        String hint = close == null ? "" : " (did you mean \"" + close + "\"?)";
        throw doc.error(n, "unknown or unsupported layer type " + Node.quote(s) + hint + "; supported types: "
                + supportedTypes());
    }

    static String supportedTypes() {
        return Arrays.stream(LayerType.values()).map(LayerType::jsonName).collect(Collectors.joining(", "));
    }

    private ParamSpec paramSpec(Node n) {
        Fields f = Fields.of(doc, n, "a param entry", PARAM_SPEC_FIELDS);
        float lr = (float) f.doubleAtLeast("lr_mult", 1, 0);
        float decay = (float) f.doubleAtLeast("decay_mult", 1, 0);
        return new ParamSpec(f.string("name"), lr, decay);
    }

    private Phase rulePhase(Node n) {
        Fields f = Fields.of(doc, n, "an include/exclude rule", RULE_FIELDS);
        Node p = f.get("phase");
        if (p == null) {
            return null;
        }
        String s = doc.asString(p);
        for (Phase phase : Phase.values()) {
            if (phase.name().equals(s)) {
                return phase;
            }
        }
        throw doc.error(p, "expected one of \"TRAIN\", \"TEST\", found " + p.describe());
    }

    private Filler filler(Fields parent, String key) {
        Fields f = parent.object(key, key, FILLER_FIELDS);
        if (f == null) {
            return Filler.DEFAULT;
        }
        Filler.Type type = f.enumValue("type", Filler.Type.class, Filler.Type.CONSTANT);
        float min = f.floatValue("min", 0f);
        float max = f.floatValue("max", 1f);
        if (type == Filler.Type.UNIFORM && min > max) {
            throw f.error("max", "expected max >= min (" + min + "), found " + max);
        }
        float std = (float) f.doubleAtLeast("std", 1, 0);
        return new Filler(type, f.floatValue("value", 0f), min, max, f.floatValue("mean", 0f), std,
                f.enumValue("variance_norm", Filler.VarianceNorm.class, Filler.VarianceNorm.FAN_IN));
    }

    private static int axisOne(Fields f) {
        int axis = f.integer("axis", 1);
        if (axis != 1) {
            throw f.error("axis", "Graft supports only axis 1 (the channel axis), found " + axis);
        }
        return axis;
    }

    /** Height and width from Caffe's two spellings: {@code both} (one or two values) or {@code h} + {@code w}. */
    private static int[] heightWidth(Fields f, String both, String h, String w, int min, boolean repeated) {
        List<Integer> values = repeated ? f.spatial(both, min) : f.has(both) ? List.of(f.intAtLeast(both, 0, min)) : List.of();
        boolean hasH = f.has(h);
        boolean hasW = f.has(w);
        if ((hasH || hasW) && !values.isEmpty()) {
            throw f.error(hasH ? h : w, "give either " + both + " or " + h + " and " + w + ", not both");
        }
        if (hasH != hasW) {
            String given = hasH ? h : w;
            String other = hasH ? w : h;
            throw f.error(given, given + " needs " + other + " as well (or use " + both + " for both axes)");
        }
        if (hasH) {
            return new int[] {f.intAtLeast(h, 0, min), f.intAtLeast(w, 0, min)};
        }
        if (values.isEmpty()) {
            return null;
        }
        return new int[] {values.get(0), values.get(values.size() - 1)};
    }

    private ConvolutionParam convolution(Fields f) {
        int numOutput = f.requireIntAtLeast("num_output", 1, "the number of output channels");
        int[] kernel = heightWidth(f, "kernel_size", "kernel_h", "kernel_w", 1, true);
        if (kernel == null) {
            throw f.missing("kernel_size", "or kernel_h and kernel_w");
        }
        int[] stride = orDefault(heightWidth(f, "stride", "stride_h", "stride_w", 1, true), 1);
        int[] pad = orDefault(heightWidth(f, "pad", "pad_h", "pad_w", 0, true), 0);
        List<Integer> dilation = f.spatial("dilation", 1);
        int dilationH = dilation.isEmpty() ? 1 : dilation.get(0);
        int dilationW = dilation.isEmpty() ? 1 : dilation.get(dilation.size() - 1);
        int group = f.intAtLeast("group", 1, 1);
        if (numOutput % group != 0) {
            throw f.error("group", "num_output (" + numOutput + ") must be divisible by group, found group " + group);
        }
        return new ConvolutionParam(numOutput, f.bool("bias_term", true), kernel[0], kernel[1], stride[0], stride[1],
                pad[0], pad[1], dilationH, dilationW, group, filler(f, "weight_filler"), filler(f, "bias_filler"),
                axisOne(f));
    }

    private PoolingParam pooling(Fields f) {
        PoolingParam.Pool pool = f.enumValue("pool", PoolingParam.Pool.class, PoolingParam.Pool.MAX);
        boolean global = f.bool("global_pooling", false);
        int[] kernel = heightWidth(f, "kernel_size", "kernel_h", "kernel_w", 1, false);
        int[] stride = heightWidth(f, "stride", "stride_h", "stride_w", 1, false);
        int[] pad = heightWidth(f, "pad", "pad_h", "pad_w", 0, false);
        PoolingParam.RoundMode round = f.enumValue("round_mode", PoolingParam.RoundMode.class, PoolingParam.RoundMode.CEIL);
        if (global) {
            if (kernel != null) {
                throw f.error(f.has("kernel_size") ? "kernel_size" : "kernel_h",
                        "global_pooling uses the whole input as the kernel; do not give a kernel size");
            }
            if (stride != null && (stride[0] != 1 || stride[1] != 1)) {
                throw f.error(f.has("stride") ? "stride" : "stride_h", "global_pooling needs stride 1 (Caffe's rule)");
            }
            if (pad != null && (pad[0] != 0 || pad[1] != 0)) {
                throw f.error(f.has("pad") ? "pad" : "pad_h", "global_pooling needs pad 0 (Caffe's rule)");
            }
            return new PoolingParam(pool, 0, 0, 1, 1, 0, 0, true, round);
        }
        if (kernel == null) {
            throw f.missing("kernel_size", "or kernel_h and kernel_w, or global_pooling: true");
        }
        stride = orDefault(stride, 1);
        pad = orDefault(pad, 0);
        if (pad[0] >= kernel[0] || pad[1] >= kernel[1]) {
            throw f.error(f.has("pad") ? "pad" : "pad_h", "pad (" + pad[0] + "x" + pad[1]
                    + ") must be smaller than the kernel (" + kernel[0] + "x" + kernel[1] + "), as Caffe requires");
        }
        return new PoolingParam(pool, kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], false, round);
    }

    private LrnParam lrn(Fields f) {
        if (f == null) {
            return LrnParam.DEFAULT;
        }
        int size = f.intAtLeast("local_size", 5, 1);
        if (size % 2 == 0) {
            throw f.error("local_size", "expected an odd local_size (the window is centred), found " + size);
        }
        return new LrnParam(size, f.floatValue("alpha", 1f), f.floatValue("beta", 0.75f),
                f.enumValue("norm_region", LrnParam.NormRegion.class, LrnParam.NormRegion.ACROSS_CHANNELS),
                f.floatValue("k", 1f));
    }

    private DropoutParam dropout(Fields f) {
        if (f == null) {
            return DropoutParam.DEFAULT;
        }
        float ratio = f.floatValue("dropout_ratio", 0.5f);
        if (!(ratio >= 0f && ratio < 1f)) {
            throw f.error("dropout_ratio", "expected dropout_ratio in [0, 1), found " + ratio);
        }
        return new DropoutParam(ratio);
    }

    private InnerProductParam innerProduct(Fields f) {
        int numOutput = f.requireIntAtLeast("num_output", 1, "the number of outputs");
        return new InnerProductParam(numOutput, f.bool("bias_term", true), filler(f, "weight_filler"),
                filler(f, "bias_filler"), axisOne(f), f.bool("transpose", false));
    }

    private ReluParam relu(Fields f) {
        return f == null ? ReluParam.DEFAULT : new ReluParam(f.floatValue("negative_slope", 0f));
    }

    private SoftmaxParam softmax(Fields f) {
        return f == null ? SoftmaxParam.DEFAULT : new SoftmaxParam(axisOne(f));
    }

    private LossParam loss(Fields f) {
        if (f == null) {
            return LossParam.DEFAULT;
        }
        return new LossParam(f.optInteger("ignore_label"),
                f.enumValue("normalization", LossParam.Normalization.class, LossParam.Normalization.VALID));
    }

    private AccuracyParam accuracy(Fields f) {
        if (f == null) {
            return AccuracyParam.DEFAULT;
        }
        return new AccuracyParam(f.intAtLeast("top_k", 1, 1), axisOne(f), f.optInteger("ignore_label"));
    }

    private InputParam input(Fields f) {
        List<Node> shapes = f.array("shape");
        if (shapes.isEmpty()) {
            throw f.has("shape") ? f.error("shape", "expected at least one shape") : f.missing("shape", "[{\"dim\": [N, C, H, W]}]");
        }
        List<BlobShape> out = new ArrayList<>();
        for (Node s : shapes) {
            Fields sf = Fields.of(doc, s, "a shape", SHAPE_FIELDS);
            List<Integer> dims = sf.ints("dim", 1);
            if (dims.isEmpty()) {
                throw sf.has("dim") ? sf.error("dim", "expected at least one dimension") : sf.missing("dim", "e.g. [N, C, H, W]");
            }
            out.add(new BlobShape(dims));
        }
        return new InputParam(out);
    }

    private TransformParam transform(Fields f) {
        if (f == null) {
            return TransformParam.DEFAULT;
        }
        Path meanFile = f.path("mean_file");
        List<Float> meanValue = f.floats("mean_value");
        if (meanFile != null && !meanValue.isEmpty()) {
            throw f.error("mean_value", "give either mean_file or mean_value, not both (Caffe's rule)");
        }
        return new TransformParam(f.floatValue("scale", 1f), f.bool("mirror", false), f.intAtLeast("crop_size", 0, 0),
                meanFile, meanValue);
    }

    private DataParam data(Fields f) {
        Path source = f.doc().asPath(f.require("source", "the dataset file or folder"));
        int batch = f.requireIntAtLeast("batch_size", 1, "examples per batch");
        Node backendNode = f.require("backend", "one of \"IDX\", \"CIFAR\", \"LMDB\", \"LEVELDB\"");
        DataParam.Backend backend = doc.asEnum(backendNode, DataParam.Backend.class);
        Path labels = f.path("label_source");
        if (backend == DataParam.Backend.IDX && labels == null) {
            throw f.missing("label_source", "backend IDX reads the labels from a second IDX file");
        }
        if (backend != DataParam.Backend.IDX && labels != null) {
            throw f.error("label_source", "label_source is only for backend IDX; " + backend.jsonName()
                    + " stores the labels with the images");
        }
        Integer limit = f.has("limit") ? f.intAtLeast("limit", 0, 1) : null;
        return new DataParam(source, batch, backend, labels, classes(f), f.optBool("shuffle"), limit);
    }

    private ImageDataParam imageData(Fields f) {
        Path source = f.doc().asPath(f.require("source", "a text file of \"path label\" lines"));
        int height = f.intAtLeast("new_height", 0, 0);
        int width = f.intAtLeast("new_width", 0, 0);
        if ((height == 0) != (width == 0)) {
            throw f.error(height == 0 ? "new_width" : "new_height",
                    "give both new_height and new_width to resize, or neither (Caffe's rule)");
        }
        Path root = f.has("root_folder") ? f.path("root_folder") : doc.baseDir();
        return new ImageDataParam(source, f.intAtLeast("batch_size", 1, 1), f.bool("shuffle", false), height, width,
                f.bool("is_color", true), root, classes(f));
    }

    private List<Integer> classes(Fields f) {
        List<Integer> classes = f.ints("classes", 0);
        Map<Integer, Integer> seen = new HashMap<>();
        List<Node> nodes = f.array("classes");
        for (int i = 0; i < classes.size(); i++) {
            Integer first = seen.putIfAbsent(classes.get(i), i);
            if (first != null) {
                throw doc.error(nodes.get(i), "class " + classes.get(i) + " is listed twice (classes[" + first
                        + "] too); each kept class gets one new label");
            }
        }
        return classes;
    }

    private static int[] orDefault(int[] hw, int value) {
        return hw == null ? new int[] {value, value} : hw;
    }
}
