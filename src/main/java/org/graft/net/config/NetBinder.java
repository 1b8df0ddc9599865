package org.graft.net.config;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.graft.caffe.proto.Caffe.LayerParameter;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.Phase;
import org.graft.layers.SettingChecks;

/**
 * Checks a Caffe {@code NetParameter} and binds it to a {@link NetConfig}: the one place a net's settings
 * are validated, however the net arrived (a net.json read by {@link ProtoJsonReader}, a prototxt of any
 * vintage or a caffemodel's embedded net after {@code NetUpgrader}). Absent fields take caffe.proto's
 * defaults; what Graft cannot honour, or Caffe would only fail on later, is a {@link ConfigException}
 * naming the field's path ({@code layers[2].convolution_param.pad}) and, for a net.json, its line and
 * column. Relative paths are resolved against the folder of the net's file.
 */
public final class NetBinder {
    /** The path prefix of the layer list in messages (net.json's traditional key). */
    static final String LAYERS = "layers";

    private final Locations at;
    private final Doc doc;
    /** The checks a layer type's own binder uses: errors at the value's line in a net.json. */
    private final SettingChecks checks;

    private NetBinder(Locations at) {
        this.at = at;
        this.doc = at.doc();
        this.checks = located(at);
    }

    /**
     * Binds a net that did not come from a net.json (errors name paths, not lines). {@code file} is the
     * file the net will be known by: relative paths resolve against its folder and the default snapshot
     * prefix is next to it.
     */
    public static NetConfig bind(Caffe.NetParameter net, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return new NetBinder(Locations.none(new Doc(abs, abs.getParent()))).net(net, abs);
    }

    static NetConfig bind(Caffe.NetParameter net, Locations at) {
        return new NetBinder(at).net(net, at.doc().file());
    }

    private NetConfig net(Caffe.NetParameter net, Path file) {
        refuseUnsupported(net, "");
        if (!net.hasName() || net.getName().isBlank()) {
            throw net.hasName() ? at.error("name", "expected a non-empty string, found \"" + net.getName() + "\"")
                    : at.error("name", "missing required field \"name\" (the network's name)");
        }
        if (net.getLayerCount() == 0) {
            throw at.error(at.layersKey(), net.getLayersCount() > 0 ? "V1 layers must be upgraded before binding"
                    : "a net needs at least one layer");
        }
        List<LayerConfig> layers = new ArrayList<>();
        for (int i = 0; i < net.getLayerCount(); i++) {
            layers.add(layer(net.getLayer(i), at.layersKey() + "[" + i + "]"));
        }
        NetChecks.check(at, layers);
        SolverConfig solver = net.hasSolver() ? SolverBinder.bind(at, net.getSolver(), "solver", net.getName()) : null;
        InitConfig init = null;
        if (net.hasInit()) {
            if (!net.getInit().hasWeights()) {
                throw at.error("init.weights", "missing required field \"weights\" (the .caffemodel to copy weights from)");
            }
            init = new InitConfig(path(net.getInit().getWeights(), "init.weights"));
        }
        return new NetConfig(net.getName(), net.getForceBackward(), layers, solver, init, file);
    }

    /**
     * Refuses every field and enum value caffe.proto marks graft_unsupported. A net.json cannot contain
     * them (the reader does not know them); a Caffe file's importer drops those Caffe would ignore.
     */
    private void refuseUnsupported(Message m, String path) {
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            String p = path.isEmpty() ? f.getName() : path + "." + f.getName();
            if (f.getContainingType() == Caffe.NetParameter.getDescriptor() && f.getNumber() == Caffe.NetParameter.LAYER_FIELD_NUMBER) {
                p = at.layersKey();
            }
            String why = ProtoJsonReader.unsupported(f);
            if (why != null) {
                throw at.error(p, "\"" + f.getName() + "\" is a Caffe field Graft does not implement: " + why);
            }
            List<?> values = f.isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
            for (int i = 0; i < values.size(); i++) {
                String item = f.isRepeated() ? p + "[" + i + "]" : p;
                if (values.get(i) instanceof Message child) {
                    refuseUnsupported(child, item);
                } else if (values.get(i) instanceof EnumValueDescriptor v && ProtoJsonReader.unsupported(v) != null) {
                    throw at.error(item, "\"" + v.getName() + "\" is not supported: " + ProtoJsonReader.unsupported(v));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------ one layer

    private LayerConfig layer(LayerParameter l, String path) {
        if (!l.hasName() || l.getName().isBlank()) {
            throw l.hasName() ? at.error(path + ".name", "expected a non-empty string, found \"" + l.getName() + "\"")
                    : at.error(path + ".name", "missing required field \"name\" (every layer needs a name, unique within its phase)");
        }
        LayerType type = layerType(l, path);
        checkApplicable(l, type, path);
        LayerConfig.Builder b = LayerConfig.builder(l.getName(), type);
        checkNames(l.getBottomList(), path + ".bottom");
        checkNames(l.getTopList(), path + ".top");
        checkCount(path + ".bottom", l.getBottomCount(), type.minBottoms(), type.maxBottoms(), type);
        checkCount(path + ".top", l.getTopCount(), type.minTops(), type.maxTops(), type);
        b.bottom(l.getBottomList().toArray(String[]::new)).top(l.getTopList().toArray(String[]::new));

        List<ParamSpec> specs = new ArrayList<>();
        for (int i = 0; i < l.getParamCount(); i++) {
            specs.add(paramSpec(l.getParam(i), path + ".param[" + i + "]"));
        }
        b.param(specs.toArray(ParamSpec[]::new));
        if (l.getLossWeightCount() > 0 && l.getLossWeightCount() != l.getTopCount()) {
            throw at.error(path + ".loss_weight", "expected one loss weight per top (" + l.getTopCount() + "), found "
                    + l.getLossWeightCount());
        }
        b.lossWeight(l.getLossWeightList().toArray(Float[]::new));
        if (l.getIncludeCount() > 0 && l.getExcludeCount() > 0) {
            throw at.error(path + ".exclude", "give either include or exclude rules, not both (Caffe's rule)");
        }
        l.getIncludeList().forEach(r -> b.include(phase(r)));
        l.getExcludeList().forEach(r -> b.exclude(phase(r)));
        if (l.getPropagateDownCount() > 0 && l.getPropagateDownCount() != l.getBottomCount()) {
            throw at.error(path + ".propagate_down", "expected one flag per bottom (" + l.getBottomCount() + "), found "
                    + l.getPropagateDownCount());
        }
        b.propagateDown(l.getPropagateDownList().toArray(Boolean[]::new));

        typedParams(l, type, b, path);
        LayerConfig layer = b.build();
        if (type == LayerType.INPUT) {
            int shapes = layer.inputParam().shape().size();
            if (shapes != 1 && shapes != l.getTopCount()) {
                throw at.error(path + ".input_param.shape", "expected one shape for all tops or one per top ("
                        + l.getTopCount() + "), found " + shapes);
            }
        }
        if (specs.size() > layer.learnableBlobs()) {
            throw at.error(path + ".param", "a " + type.jsonName() + " layer with these settings has " + layer.learnableBlobs() + " learnable blob(s), but " + specs.size() + " param entries are given");
        }
        for (int i = 0; i < specs.size(); i++) {
            // As Caffe refuses it: a blob the layer maintains itself (BatchNorm's statistics) is never the solver's.
            // Its decay_mult is accepted and has no effect, as in Caffe, where decay is scaled by the zero rate.
            if (layer.settings() != null && !layer.settings().solverUpdates(i) && specs.get(i).lrMult() != 0f) {
                throw at.error(path + ".param[" + i + "].lr_mult", "expected 0 (or no param entry): learnable blob " + i + " of a "
                        + type.jsonName() + " layer is maintained by the layer, not learned by the solver, found " + specs.get(i).lrMult());
            }
        }
        return layer;
    }

    private void checkNames(List<String> names, String path) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).isBlank()) {
                throw at.error(path + "[" + i + "]", "expected a non-empty string, found \"" + names.get(i) + "\"");
            }
        }
    }

    private LayerType layerType(LayerParameter l, String path) {
        if (!l.hasType()) {
            throw at.error(path + ".type", "missing required field \"type\" (the layer's Caffe type, one of " + supportedTypes() + ")");
        }
        String s = l.getType();
        for (LayerType t : LayerType.values()) {
            if (t.jsonName().equals(s)) {
                return t;
            }
        }
        String close = Closest.to(s, Arrays.stream(LayerType.values()).map(LayerType::jsonName).toList());
        String hint = close == null ? "" : " (did you mean \"" + close + "\"?)";
        throw at.error(path + ".type", "unknown or unsupported layer type " + Node.quote(s) + hint + "; supported types: "
                + supportedTypes());
    }

    public static String supportedTypes() {
        return Arrays.stream(LayerType.values()).map(LayerType::jsonName).collect(Collectors.joining(", "));
    }

    private void checkApplicable(LayerParameter l, LayerType type, String path) {
        List<String> applicable = type.params();
        for (FieldDescriptor f : l.getAllFields().keySet()) {
            String key = f.getName();
            if (key.endsWith("_param") && !applicable.contains(key)) {
                String takes = applicable.isEmpty() ? "takes no typed parameters" : "takes " + String.join(", ", applicable);
                throw at.keyError(path + "." + key, "\"" + key + "\" does not apply to a " + type.jsonName() + " layer (a "
                        + type.jsonName() + " layer " + takes + ")");
            }
        }
    }

    private void checkCount(String path, int n, int min, int max, LayerType type) {
        if (n >= min && (max < 0 || n <= max)) {
            return;
        }
        String expected = max < 0 ? "at least " + min : min == max ? "exactly " + min : min + " to " + max;
        String noun = path.endsWith("bottom") ? "bottom" : "top";
        throw at.error(path, "a " + type.jsonName() + " layer takes " + expected + " " + noun
                + (max == 1 && min == 1 ? "" : "s") + ", found " + n);
    }

    private void typedParams(LayerParameter l, LayerType type, LayerConfig.Builder b, String path) {
        switch (type) {
            case INPUT -> b.input(input(required(l, type, "input_param", "the shape of each top", path).getInputParam(), path + ".input_param"));
            case DATA -> {
                required(l, type, "data_param", "source, batch_size and backend", path);
                b.data(data(l.getDataParam(), path + ".data_param"));
                b.transform(transform(l.getTransformParam(), path + ".transform_param"));
            }
            case IMAGE_DATA -> {
                required(l, type, "image_data_param", "the image list in source", path);
                b.imageData(imageData(l.getImageDataParam(), path + ".image_data_param"));
                b.transform(transform(l.getTransformParam(), path + ".transform_param"));
            }
            default -> {
                if (type.bindsSettings()) {
                    b.settings(type.bind(l, checks, path));
                }
            }
        }
    }

    /** Checks whose errors are placed by {@code at}: the value's line and column in a net.json, else its path. */
    static SettingChecks located(Locations at) {
        return new SettingChecks() {
            @Override
            public RuntimeException error(String path, String problem) {
                return at.error(path, problem);
            }

            @Override
            public void filler(Caffe.FillerParameter f, String path) {
                checkFiller(at, f, path);
            }

            @Override
            public String item(String path, int i) {
                return itemPath(at, path, i);
            }
        };
    }

    private LayerParameter required(LayerParameter l, LayerType type, String key, String hint, String path) {
        if (!l.hasField(LayerParameter.getDescriptor().findFieldByName(key))) {
            throw at.error(path + "." + key, "missing required field \"" + key + "\" (a " + type.jsonName() + " layer needs " + hint + ")");
        }
        return l;
    }

    private ParamSpec paramSpec(Caffe.ParamSpec p, String path) {
        atLeast(p.getLrMult(), 0, path + ".lr_mult");
        atLeast(p.getDecayMult(), 0, path + ".decay_mult");
        return new ParamSpec(p.hasName() && !p.getName().isEmpty() ? p.getName() : null, p.getLrMult(), p.getDecayMult());
    }

    private static Phase phase(Caffe.NetStateRule r) {
        return !r.hasPhase() ? null : r.getPhase() == Caffe.Phase.TRAIN ? Phase.TRAIN : Phase.TEST;
    }

    // ------------------------------------------------------------------------------------ typed parameters

    /** A filler as every filler of a net is checked: a type Graft implements, min <= max for uniform, std >= 0. */
    private static void checkFiller(Locations at, Caffe.FillerParameter f, String path) {
        Filler.Type type = null;
        for (Filler.Type t : Filler.Type.values()) {
            if (t.jsonName().equals(f.getType())) {
                type = t;
            }
        }
        if (type == null) {
            String allowed = Arrays.stream(Filler.Type.values()).map(t -> "\"" + t.jsonName() + "\"").collect(Collectors.joining(", "));
            throw at.error(path + ".type", "expected one of " + allowed + ", found " + Node.quote(f.getType()));
        }
        if (type == Filler.Type.UNIFORM && f.getMin() > f.getMax()) {
            throw at.error(path + ".max", "expected max >= min (" + f.getMin() + "), found " + f.getMax());
        }
        atLeast(at, f.getStd(), 0, path + ".std");
    }

    /** The path of item i of a repeated field; a net.json may have given a single value without a list. */
    private String itemPath(String path, int i) {
        return itemPath(at, path, i);
    }

    private static String itemPath(Locations at, String path, int i) {
        String item = path + "[" + i + "]";
        return at.has(path) && !at.has(item) ? path : item;
    }

    private InputParam input(Caffe.InputParameter p, String path) {
        if (p.getShapeCount() == 0) {
            throw at.error(path + ".shape", "missing required field \"shape\" ([{\"dim\": [N, C, H, W]}])");
        }
        List<BlobShape> out = new ArrayList<>();
        for (int s = 0; s < p.getShapeCount(); s++) {
            String sp = path + ".shape[" + s + "].dim";
            List<Long> dims = p.getShape(s).getDimList();
            if (dims.isEmpty()) {
                throw at.error(sp, "missing required field \"dim\" (e.g. [N, C, H, W])");
            }
            List<Integer> ints = new ArrayList<>();
            for (int d = 0; d < dims.size(); d++) {
                long v = dims.get(d);
                if (v < 1 || v > Integer.MAX_VALUE) {
                    throw at.error(itemPath(sp, d), v < 1 ? "expected a positive integer (>= 1), found " + v
                            : "expected an integer between 1 and " + Integer.MAX_VALUE + ", found " + v);
                }
                ints.add((int) v);
            }
            out.add(new BlobShape(ints));
        }
        return new InputParam(out);
    }

    private TransformParam transform(Caffe.TransformationParameter t, String path) {
        if (t.hasMeanFile() && t.getMeanValueCount() > 0) {
            throw at.error(path + ".mean_value", "give either mean_file or mean_value, not both (Caffe's rule)");
        }
        Path mean = t.hasMeanFile() ? path(t.getMeanFile(), path + ".mean_file") : null;
        return new TransformParam(t.getScale(), t.getMirror(), t.getCropSize(), mean, t.getMeanValueList());
    }

    private DataParam data(Caffe.DataParameter p, String path) {
        if (!p.hasSource()) {
            throw at.error(path + ".source", "missing required field \"source\" (the dataset file or folder)");
        }
        Path source = path(p.getSource(), path + ".source");
        if (!p.hasBatchSize()) {
            throw at.error(path + ".batch_size", "missing required field \"batch_size\" (examples per batch)");
        }
        int batch = atLeast(p.getBatchSize(), 1, path + ".batch_size");
        if (!p.hasBackend()) {
            throw at.error(path + ".backend", "missing required field \"backend\" (one of \"IDX\", \"CIFAR\", \"LMDB\", \"LEVELDB\")");
        }
        Caffe.DataParameter.DB backend = p.getBackend();
        Path labels = p.hasLabelSource() ? path(p.getLabelSource(), path + ".label_source") : null;
        if (backend == Caffe.DataParameter.DB.IDX && labels == null) {
            throw at.error(path + ".label_source", "missing required field \"label_source\" (backend IDX reads the labels from a second IDX file)");
        }
        if (backend != Caffe.DataParameter.DB.IDX && labels != null) {
            throw at.error(path + ".label_source", "label_source is only for backend IDX; " + backend.name()
                    + " stores the labels with the images");
        }
        Integer limit = p.hasLimit() ? atLeast(p.getLimit(), 1, path + ".limit") : null;
        return new DataParam(source, batch, backend, labels, classes(p.getClassesList(), path + ".classes"),
                p.hasShuffle() ? p.getShuffle() : null, limit);
    }

    private ImageDataParam imageData(Caffe.ImageDataParameter p, String path) {
        if (!p.hasSource()) {
            throw at.error(path + ".source", "missing required field \"source\" (a text file of \"path label\" lines)");
        }
        Path source = path(p.getSource(), path + ".source");
        int height = p.getNewHeight();
        int width = p.getNewWidth();
        if ((height == 0) != (width == 0)) {
            throw at.error(path + "." + (height == 0 ? "new_width" : "new_height"),
                    "give both new_height and new_width to resize, or neither (Caffe's rule)");
        }
        Path root = p.hasRootFolder() ? path(p.getRootFolder(), path + ".root_folder") : doc.baseDir();
        return new ImageDataParam(source, atLeast(p.getBatchSize(), 1, path + ".batch_size"), p.getShuffle(), height, width,
                p.getIsColor(), root, classes(p.getClassesList(), path + ".classes"));
    }

    private List<Integer> classes(List<Integer> classes, String path) {
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            atLeast(classes.get(i), 0, itemPath(path, i));
            Integer first = seen.putIfAbsent(classes.get(i), i);
            if (first != null) {
                throw at.error(itemPath(path, i), "class " + classes.get(i) + " is listed twice (classes[" + first
                        + "] too); each kept class gets one new label");
            }
        }
        return classes;
    }

    // ------------------------------------------------------------------------------------ values

    private int atLeast(int value, int min, String path) {
        return checks.atLeast(value, min, path);
    }

    static int atLeast(Locations at, int value, int min, String path) {
        return located(at).atLeast(value, min, path);
    }

    private void atLeast(float value, double min, String path) {
        atLeast(at, value, min, path);
    }

    private static void atLeast(Locations at, float value, double min, String path) {
        if (!(value >= min)) { // NaN too (readers refuse non-finite numbers first; this holds without them)
            throw at.error(path, "expected a number >= " + min + ", found " + value);
        }
    }

    /** A path as written, made absolute against the folder of the net's file when relative. */
    private Path path(String s, String path) {
        return path(at, s, path);
    }

    static Path path(Locations at, String s, String path) {
        if (s.isBlank()) {
            throw at.error(path, "expected a non-empty string, found \"" + s + "\"");
        }
        try {
            Path p = Path.of(s);
            return (p.isAbsolute() ? p : at.doc().baseDir().resolve(p)).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw at.error(path, "expected a file path, found " + Node.quote(s) + " (" + e.getReason() + ")");
        }
    }

}
