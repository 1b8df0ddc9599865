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
