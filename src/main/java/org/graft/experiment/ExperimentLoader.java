package org.graft.experiment;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.graft.caffe.CaffeFormatException;
import org.graft.caffe.CaffeImporter;
import org.graft.io.InputFiles;
import org.graft.layers.Phase;
import org.graft.net.config.ConfigException;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;

/**
 * Reads and checks an experiment.json (docs/experiment-json.md). Everything that can be wrong is reported
 * here, before anything trains: unknown fields, classes the dataset lacks, empty or overlapping halves,
 * n outside 1..L−1, unknown treatments, a base net without a solver or data layer.
 */
public final class ExperimentLoader {
    static final List<Treatment> DEFAULT_TREATMENTS = List.of(Treatment.BASE_A, Treatment.BASE_B, Treatment.BNB,
            Treatment.BNB_PLUS, Treatment.ANB, Treatment.ANB_PLUS, Treatment.RANDOM);
    /** The paper's dissimilar-split experiment (section 4.2): the two bases and the frozen transfers both ways. */
    static final List<Treatment> DISSIMILAR_TREATMENTS = List.of(Treatment.BASE_A, Treatment.BASE_B, Treatment.ANB, Treatment.BNA);

    private static final Set<String> TOP = Set.of("name", "net", "solver", "num_classes", "n", "treatments", "directions", "splits",
            "random_weights", "schedule", "seed", "metric", "last_layer_outputs", "data", "report");
    private static final Set<String> SPLIT = Set.of("name", "kind", "random", "bitmask", "a", "b", "a_name", "b_name", "treatments");
    private static final Set<String> RANDOM = Set.of("seed", "a_size");
    private static final Set<String> RANDOM_WEIGHTS = Set.of("split", "target");
    private static final Set<String> SCHEDULE = Set.of("max_iter", "base_lr", "stepsize", "stepvalue", "test_interval", "tests",
            "test_iter", "snapshot", "display", "test_initialization");
    private static final Set<String> METRIC = Set.of("type", "k");
    private static final Set<String> DATA = Set.of("train_limit", "test_limit");
    private static final Set<String> REPORT = Set.of("tolerance", "min_tolerance", "table1_ranges", "paper_numbers");

    private ExperimentLoader() {
    }

    public static Experiment load(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (InputFiles.problem(abs) != null) {
            throw new ExperimentException("experiment file " + abs + " " + InputFiles.problem(abs));
        }
        String text;
        try {
            text = InputFiles.readUtf8(abs);
        } catch (IOException e) {
            throw new ExperimentException("cannot read " + abs + ": " + e.getMessage(), e);
        }
        return parse(text, abs);
    }

    /** Checks experiment JSON text as if read from {@code file} (relative paths resolve against its folder). */
    public static Experiment parse(String json, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        JsonNode root;
        try {
            ObjectMapper mapper = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ExperimentException(abs + ": malformed JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")" : ""));
        }
        JsonObject top = new JsonObject(abs.toString(), "", root, TOP);
        String fileName = abs.getFileName().toString();
        String name = top.string("name", fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName);

        Path netFile = abs.getParent().resolve(top.requireString("net", "the base network (a net.json, or a Caffe prototxt with its \"solver\")")).normalize();
        NetConfig net = loadNet(top, netFile);
        List<String> learnable = net.layersFor(Phase.TRAIN).stream().filter(l -> l.learnableBlobs() > 0).map(LayerConfig::name).toList();
        if (learnable.size() < 2) {
            throw top.error("net", "the base network " + netFile + " has " + learnable.size()
                    + " learnable layer(s); transfer needs at least 2 (layers 1..n are copied, n+1..L learn anew)");
        }
        LayerConfig last = net.layer(learnable.get(learnable.size() - 1), Phase.TRAIN).orElseThrow();
        if (last.type() != LayerType.INNER_PRODUCT && last.type() != LayerType.CONVOLUTION) {
            throw top.error("net", "the last learnable layer '" + last.name() + "' is a " + last.type().jsonName()
                    + "; it must be an InnerProduct or Convolution layer whose num_output is the number of classes");
        }
        if (net.layersFor(Phase.TRAIN).stream().noneMatch(l -> l.type() == LayerType.DATA || l.type() == LayerType.IMAGE_DATA)) {
            throw top.error("net", "the base network " + netFile + " has no Data or ImageData layer in TRAIN; the splits select classes through it");
        }
        int[] trainCounts = DatasetClasses.count(net, Phase.TRAIN);
        int[] testCounts = DatasetClasses.count(net, Phase.TEST);
        Integer given = top.optInt("num_classes", 2);
        int numClasses = given != null ? given : trainCounts != null ? trainCounts.length : numOutput(last);
        if (trainCounts != null && numClasses > trainCounts.length) {
            throw top.error("num_classes", "is " + numClasses + " but the training data has labels 0.." + (trainCounts.length - 1) + " only");
        }

        int depth = learnable.size();
        List<Integer> ns = nValues(top, depth);
        List<Treatment> treatments = treatments(top, "treatments", top.strings("treatments"), DEFAULT_TREATMENTS);
        String directions = top.string("directions", "both");
        if (!directions.equals("both") && !directions.equals("one")) {
            throw top.error("directions", "expected \"both\" (also AnA, BnA, ... aggregated as the paper does) or \"one\" (A→B only), found \"" + directions + "\"");
        }
        List<Split> splits = splits(top, numClasses, trainCounts, testCounts, treatments, directions.equals("both"));
        RandomWeights rw = randomWeights(top, treatments, splits);
        boolean baseAll = treatments.contains(Treatment.BASE_ALL) || rw != null && rw.target() == Half.ALL;
        Schedule schedule = schedule(top, net);
        long seed = top.optLong("seed", 0) != null ? top.optLong("seed", 0) : 1;
        int widest = baseAll ? numClasses : splits.stream().mapToInt(sp -> Math.max(sp.a().size(), sp.b().size())).max().orElse(numClasses);
        Integer lastOutputs = lastLayerOutputs(top, widest);
        JsonObject data = top.object("data", DATA);
        Integer trainLimit = data == null ? null : data.optInt("train_limit", 1);
        Integer testLimit = data == null ? null : data.optInt("test_limit", 1);
        ReportOptions report = report(top, metric(top), depth);
        return new Experiment(name, abs, netFile, net, learnable, numClasses, ns, splits, rw, baseAll, schedule, seed,
                lastOutputs, trainLimit, testLimit, report);
    }

    private static NetConfig loadNet(JsonObject top, Path netFile) {
        if (InputFiles.problem(netFile) != null) {
            throw top.error("net", "the base network " + netFile + " " + InputFiles.problem(netFile));
        }
        String solverName = top.string("solver", null);
        Path solverFile = solverName == null ? null : netFile.getParent().resolve(solverName).normalize();
        NetConfig net;
        try {
            if (isCaffeText(netFile)) {
                if (solverFile != null && InputFiles.problem(solverFile) != null) {
                    throw top.error("solver", "the Caffe solver " + solverFile + " " + InputFiles.problem(solverFile));
                }
                // Caffe resolves relative paths against its working directory; here that is the experiment's folder.
                Path target = netFile.resolveSibling(netFile.getFileName() + ".json");
                net = CaffeImporter.importFiles(netFile, solverFile, target, top.baseDir()).config();
            } else {
                if (solverFile != null) {
                    throw top.error("solver", "\"solver\" goes with a Caffe prototxt net; the net.json " + netFile + " has its own \"solver\" section");
                }
                net = NetConfigLoader.load(netFile);
            }
        } catch (ConfigException | CaffeFormatException e) {
            throw top.error("net", "the base network is invalid: " + e.getMessage());
        }
        if (!net.hasSolver()) {
            throw top.error("net", "the base network " + netFile + " has no solver" + (isCaffeText(netFile)
                    ? "; give the Caffe solver prototxt as \"solver\"" : " section") + "; every cell trains with it");
        }
        return net;
    }

    private static boolean isCaffeText(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".prototxt") || name.endsWith(".pbtxt");
    }

    static int numOutput(LayerConfig l) {
        return l.type() == LayerType.INNER_PRODUCT ? l.innerProductParam().numOutput() : l.convolutionParam().numOutput();
    }

    private static List<Integer> nValues(JsonObject top, int depth) {
        List<Integer> given = top.intList("n");
        List<Integer> ns = new ArrayList<>();
        if (given == null) {
            for (int i = 1; i < depth; i++) {
                ns.add(i);
            }
            return ns;
        }
        if (given.isEmpty()) {
            throw top.error("n", "the list of layer counts is empty; leave it out to test 1.." + (depth - 1));
        }
        for (int i = 0; i < given.size(); i++) {
            int v = given.get(i);
            if (v < 1 || v > depth - 1) {
                throw top.error("n[" + i + "]", "n = " + v + " is outside 1.." + (depth - 1) + " (the base network has L = " + depth
                        + " learnable layers; n = L would copy the whole network)");
            }
            if (ns.contains(v)) {
                throw top.error("n[" + i + "]", "n = " + v + " appears twice");
            }
            ns.add(v);
        }
        ns.sort(null);
        return ns;
    }

    private static List<Treatment> treatments(JsonObject at, String key, List<String> names, List<Treatment> def) {
        if (names == null) {
            return def;
        }
        if (names.isEmpty()) {
            throw at.error(at.child(key), "the list of treatments is empty");
        }
        LinkedHashSet<Treatment> out = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String nm = names.get(i);
            Treatment t = Treatment.byName(nm).orElseThrow(() -> at.error(at.child(key), "unknown treatment \"" + nm + "\"; known treatments: "
                    + String.join(", ", Treatment.names())));
            if (!out.add(t)) {
                throw at.error(at.child(key) + "[" + names.indexOf(nm) + "]", "treatment \"" + nm + "\" appears twice");
            }
        }
        return List.copyOf(out);
    }

    private static List<Split> splits(JsonObject top, int numClasses, int[] trainCounts, int[] testCounts, List<Treatment> global,
                                      boolean bothDirections) {
        List<JsonNode> nodes = top.array("splits");
        if (nodes == null || nodes.isEmpty()) {
            throw top.error("splits", "missing: at least one split of the classes into halves A and B");
        }
        List<Split> splits = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            JsonObject s = top.item("splits[" + i + "]", nodes.get(i), SPLIT);
            String name = s.requireString("name", "the split's name (used in cell names, e.g. \"r0\")");
            if (!name.matches("[A-Za-z0-9_.]+")) {
                throw s.error(s.child("name"), "\"" + name + "\" may contain only letters, digits, '_' and '.', because it names folders");
            }
            if (name.equals("all")) {
                throw s.error(s.child("name"), "\"all\" is reserved for the networks trained on every class");
            }
            if (!names.add(name)) {
                throw s.error(s.child("name"), "two splits are called \"" + name + "\"");
            }
            int ways = (s.has("random") ? 1 : 0) + (s.has("bitmask") ? 1 : 0) + (s.has("a") ? 1 : 0);
            if (ways != 1) {
                throw s.error("give exactly one of \"random\" (a seeded random split), \"bitmask\" (half A as a hex class mask) or \"a\" (half A's class list)"
                        + (ways == 0 ? "; none is given" : "; several are given"));
            }
            List<Integer> a;
            List<Integer> b = null;
            Split.Kind defaultKind = Split.Kind.SIMILAR;
            if (s.has("random")) {
                JsonObject r = s.object("random", RANDOM);
                long seed = r.optLong("seed", 0) != null ? r.optLong("seed", 0) : i;
                int size = r.integer("a_size", numClasses / 2, 1);
                if (size >= numClasses) {
                    throw r.error(r.child("a_size"), "half A must leave classes for half B: a_size " + size + " of " + numClasses + " classes");
                }
                a = ClassSets.randomHalf(numClasses, size, seed);
            } else if (s.has("bitmask")) {
                String mask = s.string("bitmask", "");
                try {
                    a = ClassSets.decodeBitmask(mask, numClasses);
                } catch (ExperimentException e) {
                    throw s.error(s.child("bitmask"), e.getMessage());
                }
            } else {
                a = s.intList("a", numClasses, "the dataset's last class");
                defaultKind = Split.Kind.DISSIMILAR;
            }
            if (s.has("b")) {
                if (!s.has("a")) {
                    throw s.error(s.child("b"), "half B may be listed only together with \"a\"; random and bitmask splits make B the complement of A");
                }
                b = s.intList("b", numClasses, "the dataset's last class");
            }
            if (b == null) {
                b = ClassSets.complement(a, numClasses);
            }
            checkHalf(s, "a", a, numClasses, trainCounts, testCounts);
            checkHalf(s, "b", b, numClasses, trainCounts, testCounts);
            Set<Integer> inA = new HashSet<>(a);
            List<Integer> both = b.stream().filter(inA::contains).toList();
            if (!both.isEmpty()) {
                throw s.error("halves A and B overlap: class(es) " + both + " are in both");
            }
            String kindName = s.string("kind", defaultKind.name().toLowerCase(Locale.ROOT));
            Split.Kind kind = switch (kindName) {
                case "similar" -> Split.Kind.SIMILAR;
                case "dissimilar" -> Split.Kind.DISSIMILAR;
                default -> throw s.error(s.child("kind"), "expected \"similar\" (Figure 2, Table 1) or \"dissimilar\" (Figure 3), found \"" + kindName + "\"");
            };
            List<Treatment> ts;
            if (s.has("treatments")) {
                ts = treatments(s, "treatments", s.strings("treatments"), null);
                for (Treatment t : ts) {
                    if (t == Treatment.RANDOM || t == Treatment.BASE_ALL) {
                        throw s.error(s.child("treatments"), "\"" + t.jsonName() + "\" is not per split; list it in the top-level \"treatments\"");
                    }
                }
            } else if (kind == Split.Kind.DISSIMILAR) {
                ts = DISSIMILAR_TREATMENTS;
            } else {
                LinkedHashSet<Treatment> set = new LinkedHashSet<>();
                for (Treatment t : global) {
                    if (t == Treatment.RANDOM || t == Treatment.BASE_ALL) {
                        continue;
                    }
                    set.add(t);
                    if (bothDirections) {
                        set.add(t.mirrored());
                    }
                }
                ts = List.copyOf(set);
            }
            ts = withBases(ts);
            String aName = s.string("a_name", "A");
            String bName = s.string("b_name", "B");
            splits.add(new Split(name, kind, a, b, aName, bName, ts));
        }
        return splits;
    }

    /** Every treatment that copies from a base needs that base in the split too; bases come first. */
    private static List<Treatment> withBases(List<Treatment> ts) {
        LinkedHashSet<Treatment> out = new LinkedHashSet<>();
        for (Treatment t : ts) {
            if (t == Treatment.BASE_A || t == Treatment.BASE_B) {
                out.add(t);
            }
        }
        for (Treatment t : ts) {
            if (t.copies()) {
                out.add(Treatment.baseOf(t.source()));
                out.add(Treatment.baseOf(t.target()));
            }
        }
        out.addAll(ts);
        List<Treatment> sorted = new ArrayList<>(out);
        sorted.sort((x, y) -> Boolean.compare(x.takesN(), y.takesN()));
        return sorted;
    }

    private static void checkHalf(JsonObject s, String half, List<Integer> classes, int numClasses, int[] trainCounts, int[] testCounts) {
        String at = s.child(half);
        if (classes.isEmpty()) {
            throw s.error(at, "half " + half.toUpperCase(Locale.ROOT) + " is empty");
        }
        Set<Integer> seen = new HashSet<>();
        for (int c : classes) {
            if (c < 0 || c >= numClasses) {
                throw s.error(at, "class " + c + " is not in the dataset, whose classes are 0.." + (numClasses - 1));
            }
            if (!seen.add(c)) {
                throw s.error(at, "class " + c + " is listed twice");
            }
            if (trainCounts != null && (c >= trainCounts.length || trainCounts[c] == 0)) {
                throw s.error(at, "class " + c + " has no training example in the base network's TRAIN data");
            }
            if (testCounts != null && (c >= testCounts.length || testCounts[c] == 0)) {
                throw s.error(at, "class " + c + " has no test example in the base network's TEST data");
            }
        }
    }

    private static RandomWeights randomWeights(JsonObject top, List<Treatment> treatments, List<Split> splits) {
        JsonObject rw = top.object("random_weights", RANDOM_WEIGHTS);
        if (!treatments.contains(Treatment.RANDOM)) {
            if (rw != null) {
                throw top.error("random_weights", "is given but \"random\" is not among the treatments");
            }
            return null;
        }
        String splitName = rw == null ? null : rw.string("split", null);
        Split split;
        if (splitName == null) {
            split = splits.stream().filter(s -> s.kind() == Split.Kind.SIMILAR).findFirst().orElse(splits.get(0));
        } else {
            split = splits.stream().filter(s -> s.name().equals(splitName)).findFirst()
                    .orElseThrow(() -> rw.error(rw.child("split"), "no split is called \"" + splitName + "\""));
        }
        String target = rw == null ? "B" : rw.string("target", "B");
        Half half = switch (target) {
            case "A" -> Half.A;
            case "B" -> Half.B;
            case "all" -> Half.ALL;
            default -> throw rw.error(rw.child("target"), "expected \"A\", \"B\" or \"all\", found \"" + target + "\"");
        };
        return new RandomWeights(split.name(), half);
    }

    private static Schedule schedule(JsonObject top, NetConfig net) {
        JsonObject s = top.object("schedule", SCHEDULE);
        if (s == null) {
            return Schedule.DEFAULT;
        }
        Integer maxIter = s.optInt("max_iter", 1);
        Double baseLr = s.optDouble("base_lr", 0);
        Integer stepsize = s.optInt("stepsize", 1);
        List<Integer> stepvalue = s.intList("stepvalue");
        Integer testInterval = s.optInt("test_interval", 1);
        int tests = s.integer("tests", 10, 1);
        Integer testIter = s.optInt("test_iter", 1);
        int snapshot = s.integer("snapshot", 0, 0);
        Integer display = s.optInt("display", 1);
        boolean init = s.bool("test_initialization", false);
        int max = maxIter != null ? maxIter : net.solver().maxIter();
        if (testInterval != null && max % testInterval != 0) {
            throw s.error(s.child("test_interval"), "max_iter " + max + " is not a multiple of test_interval " + testInterval
                    + "; the last test would not see the final weights");
        }
        if (testIter == null && net.solver().testIter() == 0) {
            throw s.error(s.child("test_iter"), "the base network's solver has no test_iter; give one here (test images = test_iter × TEST batch)");
        }
        return new Schedule(maxIter, baseLr, stepsize, stepvalue, testInterval, tests, testIter, snapshot, display, init);
    }

    private static Metric metric(JsonObject top) {
        JsonNode raw = top.raw("metric");
        if (raw == null || raw.isNull()) {
            return Metric.PAPER;
        }
        if (raw.isTextual()) {
            Metric.Kind k;
            try {
                k = Metric.Kind.byName(raw.asText());
            } catch (ExperimentException e) {
                throw top.error("metric", e.getMessage());
            }
            return new Metric(k, 10);
        }
        JsonObject m = top.object("metric", METRIC);
        String type = m.requireString("type", "final, best or mean_best");
        Metric.Kind k;
        try {
            k = Metric.Kind.byName(type);
        } catch (ExperimentException e) {
            throw m.error(m.child("type"), e.getMessage());
        }
        return new Metric(k, m.integer("k", 10, 1));
    }

    private static Integer lastLayerOutputs(JsonObject top, int needed) {
        JsonNode raw = top.raw("last_layer_outputs");
        if (raw == null || raw.isNull() || raw.isTextual() && raw.asText().equals("classes")) {
            return null;
        }
        if (raw.isTextual()) {
            throw top.error("last_layer_outputs", "expected \"classes\" (one output per class of the half) or an integer such as 1000 (the paper's CaffeNet), found \""
                    + raw.asText() + "\"");
        }
        int v = top.optInt("last_layer_outputs", 1);
        if (v < needed) {
            throw top.error("last_layer_outputs", "is " + v + " but some network trains on " + needed + " classes; it needs one output per class");
        }
        return v;
    }

    private static ReportOptions report(JsonObject top, Metric metric, int depth) {
        JsonObject r = top.object("report", REPORT);
        List<int[]> ranges = new ArrayList<>();
        Double tol = null;
        double minTol = 0.002;
        boolean paper = false;
        if (r != null) {
            tol = r.optDouble("tolerance", 0);
            Double m = r.optDouble("min_tolerance", 0);
            minTol = m == null ? minTol : m;
            paper = r.bool("paper_numbers", false);
            List<JsonNode> given = r.array("table1_ranges");
            if (given != null) {
                for (int i = 0; i < given.size(); i++) {
                    JsonNode g = given.get(i);
                    if (!g.isArray() || g.size() != 2 || !g.get(0).canConvertToInt() || !g.get(1).canConvertToInt()
                            || g.get(0).asInt() < 1 || g.get(1).asInt() > depth - 1 || g.get(0).asInt() > g.get(1).asInt()) {
                        throw r.error(r.child("table1_ranges") + "[" + i + "]", "expected [from, to] with 1 ≤ from ≤ to ≤ " + (depth - 1));
                    }
                    ranges.add(new int[] {g.get(0).asInt(), g.get(1).asInt()});
                }
            }
        }
        if (ranges.isEmpty()) {
            ranges = defaultRanges(depth);
        }
        return new ReportOptions(metric, tol, minTol, ranges, paper);
    }

    /** The paper's ranges 1–7, 3–7 and 5–7 for L = 8, in general 1..L−1, 3..L−1 and 5..L−1 where they exist. */
    static List<int[]> defaultRanges(int depth) {
        List<int[]> ranges = new ArrayList<>();
        for (int from : new int[] {1, 3, 5}) {
            if (from <= depth - 1) {
                ranges.add(new int[] {from, depth - 1});
            }
        }
        return ranges;
    }
}
