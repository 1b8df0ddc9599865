package org.graft.net.config;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graft.layers.Phase;

/**
 * Checks that need the whole layer list, separately for each phase (a layer may exist in one phase
 * only): unique layer names, every bottom produced by an earlier layer, and each blob written by one
 * layer unless a ReLU or Dropout works in place. Errors come in file order.
 */
final class NetChecks {
    /** Per phase: which layer index produced each blob so far, and which index used each layer name. */
    private final Map<Phase, Map<String, Integer>> producers = new EnumMap<>(Phase.class);
    private final Map<Phase, Map<String, Integer>> names = new EnumMap<>(Phase.class);
    private final Locations at;
    private final List<LayerConfig> layers;

    private NetChecks(Locations at, List<LayerConfig> layers) {
        this.at = at;
        this.layers = layers;
        for (Phase p : Phase.values()) {
            producers.put(p, new LinkedHashMap<>());
            names.put(p, new LinkedHashMap<>());
        }
    }

    static void check(Locations at, List<LayerConfig> layers) {
        NetChecks checks = new NetChecks(at, layers);
        for (int i = 0; i < layers.size(); i++) {
            for (Phase phase : Phase.values()) {
                if (layers.get(i).includedIn(phase)) {
                    checks.checkLayer(i, phase);
                }
            }
        }
    }

    private void checkLayer(int i, Phase phase) {
        LayerConfig layer = layers.get(i);
        String node = at.layersKey() + "[" + i + "]";
        Integer sameName = names.get(phase).putIfAbsent(layer.name(), i);
        if (sameName != null) {
            String first = at.layersKey() + "[" + sameName + "]";
            int line = at.line(first);
            throw at.error(node + ".name", "duplicate layer name \"" + layer.name() + "\" in phase " + phase
                    + " (" + first + (line > 0 ? " at line " + line : "") + " has it too); names must be unique"
                    + " within a phase");
        }
        Map<String, Integer> made = producers.get(phase);
        for (int k = 0; k < layer.bottom().size(); k++) {
            String b = layer.bottom().get(k);
            if (!made.containsKey(b)) {
                throw at.error(node + ".bottom[" + k + "]", "bottom \"" + b + "\" of layer \"" + layer.name()
                        + "\" is not produced by any earlier layer in phase " + phase + "; blobs available here: "
                        + (made.isEmpty() ? "none" : String.join(", ", made.keySet())));
            }
        }
        for (int k = 0; k < layer.top().size(); k++) {
            String t = layer.top().get(k);
            Integer writer = made.get(t);
            boolean inPlace = k < layer.bottom().size() && layer.bottom().get(k).equals(t);
            if (inPlace && !layer.allowsInPlace()) {
                throw at.error(node + ".top[" + k + "]", "a " + layer.type().jsonName()
                        + " layer cannot work in place (top \"" + t + "\" is also its bottom)");
            }
            if (writer != null && !inPlace) {
                throw at.error(node + ".top[" + k + "]", "top \"" + t + "\" is already produced by layer \""
                        + layers.get(writer).name() + "\" in phase " + phase + "; only a ReLU or Dropout working in"
                        + " place (top = its bottom) may write a blob again");
            }
            if (layer.top().subList(0, k).contains(t)) {
                throw at.error(node + ".top[" + k + "]", "top \"" + t + "\" is listed twice");
            }
            made.put(t, i);
        }
    }
}
