package org.graft.experiment;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.graft.net.config.Closest;
import org.graft.net.config.LayerConfig;

/**
 * The chop points of a base network (docs/experiment-json.md, "chop points"): by default one after each layer
 * with blobs but the last, in the net's order (the paper's "first n layers"); or the blocks experiment.json
 * names, each cut computed from the TRAIN graph (bottoms and tops): a block's output is the top(s) of its last
 * layer in the net's order, and it copies every layer with blobs that this output depends on. A cut is clean
 * when the layers that depend on the output see the layers below it only through that output: a residual
 * shortcut or an inception branch that crosses the cut and joins the path above it is refused, naming the
 * layer; side branches that never rejoin and blobs computed without weights (the label) are allowed.
 */
final class ChopPoints {
    private ChopPoints() {
    }

    /** A chop point that cannot be used: its position in the list, the field inside it (".prefix", "") and why. */
    static final class Refused extends RuntimeException {
        final int index;
        final String field;

        Refused(int index, String field, String problem) {
            super(problem);
            this.index = index;
            this.field = field;
        }
    }

    /** Today's default: chop point n after the n-th layer with blobs, copying layers 1..n (n = 1..L−1). */
    static List<ChopPoint> firstLayers(List<String> withBlobs) {
        List<ChopPoint> out = new ArrayList<>();
        for (int n = 1; n < withBlobs.size(); n++) {
            out.add(new ChopPoint(withBlobs.get(n - 1), withBlobs.subList(0, n)));
        }
        return out;
    }

    /** The named chop points over the TRAIN layers {@code layers}, in the given order, or {@link Refused}. */
    static List<ChopPoint> resolve(List<LayerConfig> layers, List<ExperimentFile.ChopPointSpec> specs) {
        Graph g = new Graph(layers);
        int lastWithBlobs = -1;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).learnableBlobs() > 0) {
                lastWithBlobs = i;
            }
        }
        List<ChopPoint> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        BitSet previous = null;
        for (int i = 0; i < specs.size(); i++) {
            ExperimentFile.ChopPointSpec spec = specs.get(i);
            if (spec == null) {
                throw new Refused(i, "", "expected a layer name or a block object, found null");
            }
            List<Integer> members = members(g, spec, i);
            String name = spec.name() != null ? spec.name() : spec.layer() != null ? spec.layer() : spec.prefix();
            if (name == null || name.isBlank()) {
                throw new Refused(i, ".name", "missing: a block given by its \"layers\" needs a name (it labels the chop point in the report)");
            }
            if (!names.add(name)) {
                throw new Refused(i, ".name", "two chop points are called \"" + name + "\"");
            }
            int output = members.stream().mapToInt(Integer::intValue).max().orElseThrow();
            LayerConfig outLayer = layers.get(output);
            String outDesc = "'" + String.join("', '", outLayer.top()) + "' (the top of its last layer '" + outLayer.name() + "')";
            BitSet below = g.ancestors(output);
            for (int m : members) {
                if (!below.get(m)) {
                    throw new Refused(i, "", "layer '" + layers.get(m).name() + "' of chop point \"" + name + "\" does not feed the block's output "
                            + outDesc + "; a block's output is the top of its last layer in the net's order, and every layer of the block must feed it");
                }
            }
            if (lastWithBlobs >= 0 && below.get(lastWithBlobs)) {
                throw new Refused(i, "", "chop point \"" + name + "\" includes the last layer with weights '" + layers.get(lastWithBlobs).name()
                        + "' (the classifier, which always learns anew); choose a chop point below it");
            }
            checkClean(g, below, output, i, name, outDesc);
            List<String> copied = new ArrayList<>();
            for (int l = below.nextSetBit(0); l >= 0; l = below.nextSetBit(l + 1)) {
                if (layers.get(l).learnableBlobs() > 0) {
                    copied.add(layers.get(l).name());
                }
            }
            if (copied.isEmpty()) {
                throw new Refused(i, "", "chop point \"" + name + "\" holds no layer with weights: its output " + outDesc
                        + " depends on none, so \"the first n\" would copy nothing");
            }
            if (previous != null) {
                ChopPoint before = out.get(out.size() - 1);
                BitSet missing = (BitSet) previous.clone();
                missing.andNot(below);
                if (!missing.isEmpty()) {
                    throw new Refused(i, "", "chop point \"" + name + "\" does not contain chop point \"" + before.name()
                            + "\" listed before it (its output does not depend on layer '" + layers.get(missing.nextSetBit(0)).name()
                            + "'); list the chop points from the input upwards, each containing the one before");
                }
                if (copied.equals(before.copied())) {
                    throw new Refused(i, "", "chop point \"" + name + "\" copies the same layers as \"" + before.name()
                            + "\" before it (no layer with weights lies between them), so both would train the same networks");
                }
            }
            previous = below;
            out.add(new ChopPoint(name, copied));
        }
        return out;
    }

    /** The indices of the layers a chop point names, in the net's order. */
    private static List<Integer> members(Graph g, ExperimentFile.ChopPointSpec spec, int i) {
        int ways = (spec.layer() != null ? 1 : 0) + (spec.layers() != null ? 1 : 0) + (spec.prefix() != null ? 1 : 0);
        if (ways != 1) {
            throw new Refused(i, "", "give exactly one of \"layer\" (a layer's name), \"layers\" (the block's layers) or \"prefix\""
                    + " (the block is every layer whose name starts with it)" + (ways == 0 ? "; none is given" : "; several are given"));
        }
        Set<Integer> out = new LinkedHashSet<>();
        if (spec.layer() != null) {
            out.add(g.index(spec.layer(), i, ".layer"));
        } else if (spec.layers() != null) {
            if (spec.layers().isEmpty()) {
                throw new Refused(i, ".layers", "the block's list of layers is empty");
            }
            for (int k = 0; k < spec.layers().size(); k++) {
                String at = ".layers[" + k + "]";
                if (spec.layers().get(k) == null) {
                    throw new Refused(i, at, "expected a layer name, found null");
                }
                if (!out.add(g.index(spec.layers().get(k), i, at))) {
                    throw new Refused(i, at, "layer '" + spec.layers().get(k) + "' is listed twice");
                }
            }
        } else {
            String prefix = spec.prefix();
            for (int l = 0; l < g.layers.size(); l++) {
                if (g.layers.get(l).name().startsWith(prefix)) {
                    out.add(l);
                }
            }
            if (prefix.isEmpty() || out.isEmpty()) {
                Set<String> starts = g.layers.stream().map(LayerConfig::name)
                        .map(n -> n.substring(0, Math.min(n.length(), prefix.length()))).collect(Collectors.toCollection(LinkedHashSet::new));
                String close = prefix.isEmpty() ? null : Closest.to(prefix, starts);
                throw new Refused(i, ".prefix", prefix.isEmpty() ? "the prefix is empty" : "no layer of the TRAIN net starts with \"" + prefix + "\""
                        + (close != null ? " (did you mean \"" + close + "\"?)" : ""));
            }
        }
        return out.stream().sorted().toList();
    }

    /**
     * Refuses a cut that a shortcut crosses: a layer above the cut that reads a layer below it other than through
     * the chop point's output (and other than a blob computed without weights: data, label), and whose path then
     * joins the layers that depend on the output (a residual shortcut, an inception branch). A side branch that
     * never rejoins (GoogLeNet's auxiliary classifiers) only reads the copied features and learns anew: allowed.
     */
    private static void checkClean(Graph g, BitSet below, int output, int i, String name, String outDesc) {
        BitSet above = g.descendants(output);
        for (int k = 0; k < g.layers.size(); k++) {
            if (below.get(k)) {
                continue;
            }
            LayerConfig reader = g.layers.get(k);
            for (int b = 0; b < reader.bottom().size(); b++) {
                int p = g.producers[k][b];
                if (p < 0 || !below.get(p) || p == output || g.raw.get(p)) {
                    continue;
                }
                BitSet joined = g.descendants(k);
                joined.and(above);
                if (!joined.isEmpty()) {
                    throw new Refused(i, "", "the cut at chop point \"" + name + "\" is not clean: layer '" + reader.name() + "' reads blob '"
                            + reader.bottom().get(b) + "' of layer '" + g.layers.get(p).name() + "', which is below the cut, and its path joins the layers"
                            + " above the cut at layer '" + g.layers.get(joined.nextSetBit(0)).name() + "', bypassing the block's output " + outDesc
                            + ". Above a chop point the copied layers may be seen only through its output (side branches that never rejoin,"
                            + " and blobs computed without weights such as the label, are allowed); choose a cut that no shortcut or branch crosses");
                }
            }
        }
    }

    /** The TRAIN net as a graph: which layer produced each bottom (in-place tops are new versions of a blob). */
    private static final class Graph {
        final List<LayerConfig> layers;
        final int[][] producers;
        /** Layers whose output is computed without any weights: no blobs in them or anything they depend on. */
        final BitSet raw = new BitSet();
        final Map<String, Integer> byName = new HashMap<>();

        Graph(List<LayerConfig> layers) {
            this.layers = layers;
            producers = new int[layers.size()][];
            Map<String, Integer> latest = new HashMap<>();
            for (int i = 0; i < layers.size(); i++) {
                LayerConfig l = layers.get(i);
                byName.putIfAbsent(l.name(), i);
                producers[i] = new int[l.bottom().size()];
                boolean fixed = l.learnableBlobs() == 0;
                for (int b = 0; b < l.bottom().size(); b++) {
                    int p = latest.getOrDefault(l.bottom().get(b), -1);
                    producers[i][b] = p;
                    fixed &= p < 0 || raw.get(p);
                }
                raw.set(i, fixed);
                for (String top : l.top()) {
                    latest.put(top, i);
                }
            }
        }

        int index(String name, int chopPoint, String field) {
            Integer i = byName.get(name);
            if (i == null) {
                String close = Closest.to(name, byName.keySet());
                throw new Refused(chopPoint, field, "unknown layer \"" + name + "\" in the base network's TRAIN net"
                        + (close != null ? " (did you mean \"" + close + "\"?)" : ""));
            }
            return i;
        }

        /** The layer and every layer that depends on it. */
        BitSet descendants(int layer) {
            BitSet seen = new BitSet();
            seen.set(layer);
            for (int k = layer + 1; k < layers.size(); k++) {
                for (int p : producers[k]) {
                    if (p >= 0 && seen.get(p)) {
                        seen.set(k);
                        break;
                    }
                }
            }
            return seen;
        }

        /** The layer and every layer it depends on. */
        BitSet ancestors(int layer) {
            BitSet seen = new BitSet();
            List<Integer> todo = new ArrayList<>(List.of(layer));
            while (!todo.isEmpty()) {
                int l = todo.remove(todo.size() - 1);
                if (seen.get(l)) {
                    continue;
                }
                seen.set(l);
                for (int p : producers[l]) {
                    if (p >= 0) {
                        todo.add(p);
                    }
                }
            }
            return seen;
        }
    }
}
