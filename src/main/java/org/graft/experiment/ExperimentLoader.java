package org.graft.experiment;

import java.io.IOException;
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
import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.ops.convolution.ConvolutionLayer;

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
        ExperimentFiles.Bound<ExperimentFile> src = ExperimentFiles.parse(json, abs, ExperimentFile.class);
        ExperimentFile top = src.value();
        String fileName = abs.getFileName().toString();
        String name = top.name() != null ? top.name() : fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;

        if (top.net() == null || top.net().isBlank()) {
            throw src.error("net", "missing: the base network (a net.json, or a Caffe prototxt with its \"solver\")");
        }
        Path netFile = abs.getParent().resolve(top.net()).normalize();
        NetConfig net = loadNet(src, netFile);
        List<String> learnable = net.layersFor(Phase.TRAIN).stream().filter(l -> l.learnableBlobs() > 0).map(LayerConfig::name).toList();
        if (learnable.size() < 2) {
            throw src.error("net", "the base network " + netFile + " has " + learnable.size()
                    + " learnable layer(s); transfer needs at least 2 (layers 1..n are copied, n+1..L learn anew)");
        }
        LayerConfig last = net.layer(learnable.get(learnable.size() - 1), Phase.TRAIN).orElseThrow();
        if (last.type() != LayerType.INNER_PRODUCT && last.type() != LayerType.CONVOLUTION) {
            throw src.error("net", "the last learnable layer '" + last.name() + "' is a " + last.type().jsonName()
                    + "; it must be an InnerProduct or Convolution layer whose num_output is the number of classes");
        }
        if (net.layersFor(Phase.TRAIN).stream().noneMatch(l -> l.type() == LayerType.DATA || l.type() == LayerType.IMAGE_DATA)) {
            throw src.error("net", "the base network " + netFile + " has no Data or ImageData layer in TRAIN; the splits select classes through it");
        }
        int[] trainCounts = DatasetClasses.count(net, Phase.TRAIN);
        int[] testCounts = DatasetClasses.count(net, Phase.TEST);
        Integer given = atLeast(src, "num_classes", top.numClasses(), 2);
        int numClasses = given != null ? given : trainCounts != null ? trainCounts.length : numOutput(last);
        if (trainCounts != null && numClasses > trainCounts.length) {
            throw src.error("num_classes", "is " + numClasses + " but the training data has labels 0.." + (trainCounts.length - 1) + " only");
        }

        boolean named = top.chopPoints() != null;
        List<ChopPoint> chopPoints = named ? chopPoints(src, net) : ChopPoints.firstLayers(learnable);
        int depth = chopPoints.size() + 1;
        List<Integer> ns = nValues(src, top.n(), depth, named);
        List<Treatment> treatments = treatments(src, "treatments", top.treatments(), DEFAULT_TREATMENTS);
        String directions = top.directions() != null ? top.directions() : "both";
        if (!directions.equals("both") && !directions.equals("one")) {
            throw src.error("directions", "expected \"both\" (also AnA, BnA, ... aggregated as the paper does) or \"one\" (A→B only), found \"" + directions + "\"");
        }
        List<Split> splits = splits(src, numClasses, trainCounts, testCounts, treatments, directions.equals("both"));
        RandomWeights rw = randomWeights(src, treatments, splits);
        boolean baseAll = treatments.contains(Treatment.BASE_ALL) || rw != null && rw.target() == Half.ALL;
        Schedule schedule = schedule(src, net);
        Long givenSeed = atLeast(src, "seed", top.seed(), 0);
        long seed = givenSeed != null ? givenSeed : 1;
        int widest = baseAll ? numClasses : splits.stream().mapToInt(sp -> Math.max(sp.a().size(), sp.b().size())).max().orElse(numClasses);
        Integer lastOutputs = lastLayerOutputs(src, widest);
        ExperimentFile.DataSpec data = top.data();
        Integer trainLimit = data == null ? null : atLeast(src, "data.train_limit", data.trainLimit(), 1);
        Integer testLimit = data == null ? null : atLeast(src, "data.test_limit", data.testLimit(), 1);
        ReportOptions report = report(src, metric(src), depth);
        return new Experiment(name, abs, netFile, net, learnable, numClasses, ns, splits, rw, baseAll, schedule, seed,
                lastOutputs, trainLimit, testLimit, report, meanPerHalf(src, net), chopPoints, named);
    }

    /** The chop points experiment.json names (docs/experiment-json.md, "chop points"), checked against the TRAIN graph. */
    private static List<ChopPoint> chopPoints(ExperimentFiles.Bound<ExperimentFile> src, NetConfig net) {
        List<ExperimentFile.ChopPointSpec> specs = src.value().chopPoints();
        if (specs.isEmpty()) {
            throw src.error("chop_points", "the list is empty; leave it out to cut after each learnable layer");
        }
        try {
            return ChopPoints.resolve(net.layersFor(Phase.TRAIN), specs);
        } catch (ChopPoints.Refused r) {
            String item = "chop_points[" + r.index + "]";
            // A bare layer name has no ".layer" field in the file; point at the item itself.
            String at = r.field.equals(".layer") && !src.positions().containsKey(item + r.field) ? item : item + r.field;
            throw src.error(at, r.getMessage());
        }
    }

    /** A number that must be at least {@code min}, or null when left out. */
    private static <N extends Number> N atLeast(ExperimentFiles.Bound<?> src, String path, N value, long min) {
        if (value != null && value.doubleValue() < min) {
            throw src.error(path, "must be at least " + min + ", found " + value);
        }
        return value;
    }

    private static NetConfig loadNet(ExperimentFiles.Bound<ExperimentFile> src, Path netFile) {
        if (InputFiles.problem(netFile) != null) {
            throw src.error("net", "the base network " + netFile + " " + InputFiles.problem(netFile));
        }
        String solverName = src.value().solver();
        Path solverFile = solverName == null ? null : netFile.getParent().resolve(solverName).normalize();
        NetConfig net;
        try {
            if (isCaffeText(netFile)) {
                if (solverFile != null && InputFiles.problem(solverFile) != null) {
                    throw src.error("solver", "the Caffe solver " + solverFile + " " + InputFiles.problem(solverFile));
                }
                // Caffe resolves relative paths against its working directory; here that is the experiment's folder.
                Path target = netFile.resolveSibling(netFile.getFileName() + ".json");
                net = CaffeImporter.importFiles(netFile, solverFile, target, src.file().getParent()).config();
            } else {
                if (solverFile != null) {
                    throw src.error("solver", "\"solver\" goes with a Caffe prototxt net; the net.json " + netFile + " has its own \"solver\" section");
                }
                net = NetConfigLoader.load(netFile);
            }
        } catch (ConfigException | CaffeFormatException e) {
            throw src.error("net", "the base network is invalid: " + e.getMessage());
        }
        if (!net.hasSolver()) {
            throw src.error("net", "the base network " + netFile + " has no solver" + (isCaffeText(netFile)
                    ? "; give the Caffe solver prototxt as \"solver\"" : " section") + "; every cell trains with it");
        }
        return net;
    }

    /** {@code "mean": "shared"} (default: the net's own mean file for every network) or {@code "per_half"}. */
    private static boolean meanPerHalf(ExperimentFiles.Bound<ExperimentFile> src, NetConfig net) {
        String mean = src.value().mean() != null ? src.value().mean() : "shared";
        if (!mean.equals("shared") && !mean.equals("per_half")) {
            throw src.error("mean", "expected \"shared\" (the net's mean file for every network) or \"per_half\" (one mean image per half,"
                    + " computed when planning), found \"" + mean + "\"");
        }
        if (mean.equals("per_half")) {
            for (Phase phase : Phase.values()) {
                for (LayerConfig l : net.layersFor(phase)) {
                    if ((l.type() == LayerType.DATA || l.type() == LayerType.IMAGE_DATA) && !l.transformParam().meanValue().isEmpty()) {
                        throw src.error("mean", "\"per_half\" gives every data layer its half's mean file, but layer '" + l.name()
                                + "' subtracts mean_value; remove mean_value (Caffe refuses both)");
                    }
                }
            }
        }
        return mean.equals("per_half");
    }

    private static boolean isCaffeText(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".prototxt") || name.endsWith(".pbtxt");
    }

    static int numOutput(LayerConfig l) {
        return l.type() == LayerType.INNER_PRODUCT ? l.settings(InnerProductLayer.Spec.class).numOutput() : l.settings(ConvolutionLayer.Spec.class).numOutput();
    }

    private static List<Integer> nValues(ExperimentFiles.Bound<?> src, List<Integer> given, int depth, boolean chopPoints) {
        List<Integer> ns = new ArrayList<>();
        if (given == null) {
            for (int i = 1; i < depth; i++) {
                ns.add(i);
            }
            return ns;
        }
        if (given.isEmpty()) {
            throw src.error("n", "the list of " + (chopPoints ? "block" : "layer") + " counts is empty; leave it out to test 1.." + (depth - 1));
        }
        for (int i = 0; i < given.size(); i++) {
            int v = given.get(i);
            if (v < 1 || v > depth - 1) {
                throw src.error("n[" + i + "]", "n = " + v + " is outside 1.." + (depth - 1) + (chopPoints
                        ? " (the experiment names " + (depth - 1) + " chop points; n counts them)"
                        : " (the base network has L = " + depth + " learnable layers; n = L would copy the whole network)"));
            }
            if (ns.contains(v)) {
                throw src.error("n[" + i + "]", "n = " + v + " appears twice");
            }
            ns.add(v);
        }
        ns.sort(null);
        return ns;
    }

    private static List<Treatment> treatments(ExperimentFiles.Bound<?> src, String path, List<String> names, List<Treatment> def) {
        if (names == null) {
            return def;
        }
        if (names.isEmpty()) {
            throw src.error(path, "the list of treatments is empty");
        }
        LinkedHashSet<Treatment> out = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String nm = names.get(i);
            String at = path + "[" + i + "]";
            if (nm == null) {
                throw src.error(at, "expected a treatment's name, found null");
            }
            Treatment t = Treatment.byName(nm).orElseThrow(() -> src.error(at, "unknown treatment \"" + nm + "\"; known treatments: "
                    + String.join(", ", Treatment.names())));
            if (!out.add(t)) {
                throw src.error(at, "treatment \"" + nm + "\" appears twice");
            }
        }
        return List.copyOf(out);
    }

    private static List<Split> splits(ExperimentFiles.Bound<ExperimentFile> src, int numClasses, int[] trainCounts, int[] testCounts,
                                      List<Treatment> global, boolean bothDirections) {
        List<ExperimentFile.SplitSpec> specs = src.value().splits();
        if (specs == null || specs.isEmpty()) {
            throw src.error("splits", "missing: at least one split of the classes into halves A and B");
        }
        List<Split> splits = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            ExperimentFile.SplitSpec s = specs.get(i);
            String at = "splits[" + i + "]";
            if (s == null) {
                throw src.error(at, "expected an object, found null");
            }
            String name = s.name();
            if (name == null || name.isBlank()) {
                throw src.error(at + ".name", "missing: the split's name (used in cell names, e.g. \"r0\")");
            }
            if (!name.matches("[A-Za-z0-9_.]+")) {
                throw src.error(at + ".name", "\"" + name + "\" may contain only letters, digits, '_' and '.', because it names folders");
            }
            if (name.equals("all")) {
                throw src.error(at + ".name", "\"all\" is reserved for the networks trained on every class");
            }
            if (!names.add(name)) {
                throw src.error(at + ".name", "two splits are called \"" + name + "\"");
            }
            int ways = (s.random() != null ? 1 : 0) + (s.bitmask() != null ? 1 : 0) + (s.a() != null ? 1 : 0);
            if (ways != 1) {
                throw src.error(at, "give exactly one of \"random\" (a seeded random split), \"bitmask\" (half A as a hex class mask) or \"a\" (half A's class list)"
                        + (ways == 0 ? "; none is given" : "; several are given"));
            }
            List<Integer> a;
            List<Integer> b = null;
            Split.Kind defaultKind = Split.Kind.SIMILAR;
            if (s.random() != null) {
                ExperimentFile.RandomSpec r = s.random();
                Long givenSeed = atLeast(src, at + ".random.seed", r.seed(), 0);
                long seed = givenSeed != null ? givenSeed : i;
                Integer givenSize = atLeast(src, at + ".random.a_size", r.aSize(), 1);
                int size = givenSize != null ? givenSize : numClasses / 2;
                if (size >= numClasses) {
                    throw src.error(at + ".random.a_size", "half A must leave classes for half B: a_size " + size + " of " + numClasses + " classes");
                }
                a = ClassSets.randomHalf(numClasses, size, seed);
            } else if (s.bitmask() != null) {
                try {
                    a = ClassSets.decodeBitmask(s.bitmask(), numClasses);
                } catch (ExperimentException e) {
                    throw src.error(at + ".bitmask", e.getMessage());
                }
            } else {
                a = s.a();
                defaultKind = Split.Kind.DISSIMILAR;
            }
            if (s.b() != null) {
                if (s.a() == null) {
                    throw src.error(at + ".b", "half B may be listed only together with \"a\"; random and bitmask splits make B the complement of A");
                }
                b = s.b();
            }
            if (b == null) {
                b = ClassSets.complement(a, numClasses);
            }
            checkHalf(src, at, "a", a, numClasses, trainCounts, testCounts);
            checkHalf(src, at, "b", b, numClasses, trainCounts, testCounts);
            Set<Integer> inA = new HashSet<>(a);
            List<Integer> both = b.stream().filter(inA::contains).toList();
            if (!both.isEmpty()) {
                throw src.error(at, "halves A and B overlap: class(es) " + both + " are in both");
            }
            String kindName = s.kind() != null ? s.kind() : defaultKind.name().toLowerCase(Locale.ROOT);
            Split.Kind kind = switch (kindName) {
                case "similar" -> Split.Kind.SIMILAR;
                case "dissimilar" -> Split.Kind.DISSIMILAR;
                default -> throw src.error(at + ".kind", "expected \"similar\" (Figure 2, Table 1) or \"dissimilar\" (Figure 3), found \"" + kindName + "\"");
            };
            List<Treatment> ts;
            if (s.treatments() != null) {
                ts = treatments(src, at + ".treatments", s.treatments(), null);
                for (Treatment t : ts) {
                    if (t == Treatment.RANDOM || t == Treatment.BASE_ALL) {
                        throw src.error(at + ".treatments", "\"" + t.jsonName() + "\" is not per split; list it in the top-level \"treatments\"");
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
            String aName = s.aName() != null ? s.aName() : "A";
            String bName = s.bName() != null ? s.bName() : "B";
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

    private static void checkHalf(ExperimentFiles.Bound<?> src, String split, String half, List<Integer> classes, int numClasses,
                                  int[] trainCounts, int[] testCounts) {
        String at = split + "." + half;
        if (classes.isEmpty()) {
            throw src.error(at, "half " + half.toUpperCase(Locale.ROOT) + " is empty");
        }
        Set<Integer> seen = new HashSet<>();
        for (int c : classes) {
            if (c < 0 || c >= numClasses) {
                throw src.error(at, "class " + c + " is not in the dataset, whose classes are 0.." + (numClasses - 1));
            }
            if (!seen.add(c)) {
                throw src.error(at, "class " + c + " is listed twice");
            }
            if (trainCounts != null && (c >= trainCounts.length || trainCounts[c] == 0)) {
                throw src.error(at, "class " + c + " has no training example in the base network's TRAIN data");
            }
            if (testCounts != null && (c >= testCounts.length || testCounts[c] == 0)) {
                throw src.error(at, "class " + c + " has no test example in the base network's TEST data");
            }
        }
    }

    private static RandomWeights randomWeights(ExperimentFiles.Bound<ExperimentFile> src, List<Treatment> treatments, List<Split> splits) {
        ExperimentFile.RandomWeightsSpec rw = src.value().randomWeights();
        if (!treatments.contains(Treatment.RANDOM)) {
            if (rw != null) {
                throw src.error("random_weights", "is given but \"random\" is not among the treatments");
            }
            return null;
        }
        String splitName = rw == null ? null : rw.split();
        Split split;
        if (splitName == null) {
            split = splits.stream().filter(s -> s.kind() == Split.Kind.SIMILAR).findFirst().orElse(splits.get(0));
        } else {
            split = splits.stream().filter(s -> s.name().equals(splitName)).findFirst()
                    .orElseThrow(() -> src.error("random_weights.split", "no split is called \"" + splitName + "\""));
        }
        String target = rw == null || rw.target() == null ? "B" : rw.target();
        Half half = switch (target) {
            case "A" -> Half.A;
            case "B" -> Half.B;
            case "all" -> Half.ALL;
            default -> throw src.error("random_weights.target", "expected \"A\", \"B\" or \"all\", found \"" + target + "\"");
        };
        return new RandomWeights(split.name(), half);
    }

    private static Schedule schedule(ExperimentFiles.Bound<ExperimentFile> src, NetConfig net) {
        ExperimentFile.ScheduleSpec s = src.value().schedule();
        if (s == null) {
            return Schedule.DEFAULT;
        }
        Integer maxIter = atLeast(src, "schedule.max_iter", s.maxIter(), 1);
        Double baseLr = atLeast(src, "schedule.base_lr", s.baseLr(), 0);
        Integer stepsize = atLeast(src, "schedule.stepsize", s.stepsize(), 1);
        Integer testInterval = atLeast(src, "schedule.test_interval", s.testInterval(), 1);
        Integer tests = atLeast(src, "schedule.tests", s.tests(), 1);
        Integer testIter = atLeast(src, "schedule.test_iter", s.testIter(), 1);
        Integer snapshot = atLeast(src, "schedule.snapshot", s.snapshot(), 0);
        Integer display = atLeast(src, "schedule.display", s.display(), 1);
        boolean init = s.testInitialization() != null && s.testInitialization();
        int max = maxIter != null ? maxIter : net.solver().maxIter();
        if (testInterval != null && max % testInterval != 0) {
            throw src.error("schedule.test_interval", "max_iter " + max + " is not a multiple of test_interval " + testInterval
                    + "; the last test would not see the final weights");
        }
        if (testIter == null && net.solver().testIter() == 0) {
            throw src.error("schedule.test_iter", "the base network's solver has no test_iter; give one here (test images = test_iter × TEST batch)");
        }
        return new Schedule(maxIter, baseLr, stepsize, s.stepvalue(), testInterval, tests != null ? tests : 10, testIter,
                snapshot != null ? snapshot : 0, display, init);
    }

    private static Metric metric(ExperimentFiles.Bound<ExperimentFile> src) {
        ExperimentFile.MetricSpec m = src.value().metric();
        if (m == null) {
            return Metric.PAPER;
        }
        boolean named = m.k() == null && src.positions().containsKey("metric") && !src.positions().containsKey("metric.type");
        String at = named ? "metric" : "metric.type";
        if (m.type() == null || m.type().isBlank()) {
            throw src.error(at, "missing: final, best or mean_best");
        }
        Metric.Kind k;
        try {
            k = Metric.Kind.byName(m.type());
        } catch (ExperimentException e) {
            throw src.error(at, e.getMessage());
        }
        Integer given = atLeast(src, "metric.k", m.k(), 1);
        return new Metric(k, given != null ? given : 10);
    }

    private static Integer lastLayerOutputs(ExperimentFiles.Bound<ExperimentFile> src, int needed) {
        Integer v = atLeast(src, "last_layer_outputs", src.value().lastLayerOutputs(), 1);
        if (v != null && v < needed) {
            throw src.error("last_layer_outputs", "is " + v + " but some network trains on " + needed + " classes; it needs one output per class");
        }
        return v;
    }

    private static ReportOptions report(ExperimentFiles.Bound<ExperimentFile> src, Metric metric, int depth) {
        ExperimentFile.ReportSpec r = src.value().report();
        List<int[]> ranges = new ArrayList<>();
        Double tol = null;
        double minTol = 0.002;
        boolean paper = false;
        if (r != null) {
            tol = atLeast(src, "report.tolerance", r.tolerance(), 0);
            Double m = atLeast(src, "report.min_tolerance", r.minTolerance(), 0);
            minTol = m == null ? minTol : m;
            paper = r.paperNumbers() != null && r.paperNumbers();
            List<List<Integer>> given = r.table1Ranges();
            if (given != null) {
                for (int i = 0; i < given.size(); i++) {
                    List<Integer> g = given.get(i);
                    if (g == null || g.size() != 2 || g.get(0) == null || g.get(1) == null
                            || g.get(0) < 1 || g.get(1) > depth - 1 || g.get(0) > g.get(1)) {
                        throw src.error("report.table1_ranges[" + i + "]", "expected [from, to] with 1 ≤ from ≤ to ≤ " + (depth - 1));
                    }
                    ranges.add(new int[] {g.get(0), g.get(1)});
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
