package org.graft.net.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.Phase;
import org.graft.layers.SettingChecks;

/**
 * One layer of a net.json, mirroring Caffe's V2 LayerParameter. Lists are never null (empty when absent).
 * The typed parameter that applies to the layer's type is never null either: when the file leaves it out
 * it holds Caffe's defaults (e.g. a Pooling layer always has a {@link PoolingLayer.Spec}); parameters that do not
 * apply to the type are null. Data and ImageData layers always have a transform param.
 */
public record LayerConfig(String name, LayerType type, List<String> bottom, List<String> top, List<ParamSpec> param,
                          List<Float> lossWeight, List<NetStateRule> include, List<NetStateRule> exclude,
                          List<Boolean> propagateDown,
                          InputParam inputParam, TransformParam transformParam, DataParam dataParam,
                          ImageDataParam imageDataParam, LayerSettings settings) {
    public LayerConfig {
        if (name == null || type == null) {
            throw new IllegalArgumentException("a layer needs a name and a type");
        }
        bottom = copy(bottom);
        top = copy(top);
        param = copy(param);
        lossWeight = copy(lossWeight);
        include = copy(include);
        exclude = copy(exclude);
        propagateDown = copy(propagateDown);
        // Caffe reads an absent sub-message as its defaults; doing it once here spares every reader a null check.
        if (type == LayerType.DATA || type == LayerType.IMAGE_DATA) {
            transformParam = orDefault(transformParam, TransformParam.DEFAULT);
        }
        if (type.bindsSettings() && settings == null) {
            settings = type.bind(Caffe.LayerParameter.getDefaultInstance(), SettingChecks.plain(name), "");
        }
        if (!type.bindsSettings() && settings != null) {
            throw new IllegalArgumentException("layer '" + name + "': " + type.jsonName() + " settings are not LayerSettings");
        }
    }

    /** The bound settings of a type that {@link LayerType#bindsSettings}, as {@code kind}. */
    public <T extends LayerSettings> T settings(Class<T> kind) {
        return kind.cast(settings);
    }

    /** Whether this layer may write its top over its bottom: the layer says (it alone knows what its backward needs). */
    public boolean allowsInPlace() {
        if (type.isData()) {
            return false;
        }
        try (Layer layer = type.create(this)) {
            return layer.allowsInPlace();
        }
    }

    public static Builder builder(String name, LayerType type) {
        return new Builder(name, type);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name, type);
        b.bottom.addAll(bottom);
        b.top.addAll(top);
        b.param.addAll(param);
        b.lossWeight.addAll(lossWeight);
        b.include.addAll(include);
        b.exclude.addAll(exclude);
        b.propagateDown.addAll(propagateDown);
        b.input = inputParam;
        b.transform = transformParam;
        b.data = dataParam;
        b.imageData = imageDataParam;
        b.settings = settings;
        return b;
    }

    /**
     * Caffe's include/exclude rule: with include rules the layer is in a phase when any of them matches;
     * otherwise it is in every phase that no exclude rule matches.
     */
    public boolean includedIn(Phase phase) {
        if (!include.isEmpty()) {
            return include.stream().anyMatch(r -> r.matches(phase));
        }
        return exclude.stream().noneMatch(r -> r.matches(phase));
    }

    /** The loss weight of top {@code i}: as given, else 1 for a loss layer's first top and 0 otherwise. */
    public float lossWeight(int i) {
        if (!lossWeight.isEmpty()) {
            return lossWeight.get(i);
        }
        return type.isLoss() && i == 0 ? 1f : 0f;
    }

    /**
     * The ParamSpec of learnable blob {@code i} (0 = weights, 1 = bias): as given, else lr_mult 1, decay_mult 1;
     * lr_mult and decay_mult 0 for a blob the solver must not update ({@link LayerSettings#solverUpdates}).
     */
    public ParamSpec paramSpec(int i) {
        ParamSpec given = i < param.size() ? param.get(i) : ParamSpec.DEFAULT;
        return settings != null && !settings.solverUpdates(i) ? given.withMultipliers(0f, 0f) : given;
    }

    /** Number of learnable blobs: weights, plus bias when bias_term is on; 0 for layers without parameters. */
    public int learnableBlobs() {
        if (settings != null) {
            return settings.learnableBlobs();
        }
        return 0;
    }

    /** An Input layer in this layer's place: same name, tops and phase rules (a data layer fed synthetic batches). */
    public LayerConfig asInput(InputParam shapes) {
        Builder b = new Builder(name, LayerType.INPUT);
        b.top.addAll(top);
        b.include.addAll(include);
        b.exclude.addAll(exclude);
        b.input = shapes;
        return b.build();
    }

    public LayerConfig withName(String newName) {
        return toBuilder().name(newName).build();
    }

    public LayerConfig withParams(List<ParamSpec> specs) {
        Builder b = toBuilder();
        b.param.clear();
        b.param.addAll(specs);
        return b.build();
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }

    /** Builds a LayerConfig in code (the Caffe importer, the transfer experiment, tests). */
    public static final class Builder {
        private String name;
        private final LayerType type;
        private final List<String> bottom = new ArrayList<>();
        private final List<String> top = new ArrayList<>();
        private final List<ParamSpec> param = new ArrayList<>();
        private final List<Float> lossWeight = new ArrayList<>();
        private final List<NetStateRule> include = new ArrayList<>();
        private final List<NetStateRule> exclude = new ArrayList<>();
        private final List<Boolean> propagateDown = new ArrayList<>();
        private InputParam input;
        private TransformParam transform;
        private DataParam data;
        private ImageDataParam imageData;
        private LayerSettings settings;

        private Builder(String name, LayerType type) {
            this.name = name;
            this.type = type;
        }

        public Builder name(String newName) {
            this.name = newName;
            return this;
        }

        public Builder bottom(String... names) {
            bottom.addAll(Arrays.asList(names));
            return this;
        }

        public Builder top(String... names) {
            top.addAll(Arrays.asList(names));
            return this;
        }

        public Builder param(ParamSpec... specs) {
            param.addAll(Arrays.asList(specs));
            return this;
        }

        public Builder lossWeight(Float... weights) {
            lossWeight.addAll(Arrays.asList(weights));
            return this;
        }

        public Builder include(Phase phase) {
            include.add(new NetStateRule(phase));
            return this;
        }

        public Builder exclude(Phase phase) {
            exclude.add(new NetStateRule(phase));
            return this;
        }

        public Builder propagateDown(Boolean... flags) {
            propagateDown.addAll(Arrays.asList(flags));
            return this;
        }

        public Builder input(InputParam p) {
            input = p;
            return this;
        }

        public Builder transform(TransformParam p) {
            transform = p;
            return this;
        }

        public Builder data(DataParam p) {
            data = p;
            return this;
        }

        public Builder imageData(ImageDataParam p) {
            imageData = p;
            return this;
        }

        /** The settings of a type that {@link LayerType#bindsSettings}; left out, caffe.proto's defaults. */
        public Builder settings(LayerSettings s) {
            settings = s;
            return this;
        }

        public LayerConfig build() {
            return new LayerConfig(name, type, bottom, top, param, lossWeight, include, exclude, propagateDown,
                    input, transform, data, imageData, settings);
        }
    }
}
