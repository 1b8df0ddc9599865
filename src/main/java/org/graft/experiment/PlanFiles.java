package org.graft.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads and writes {@code DIR/plan.json}. */
public final class PlanFiles {
    public static final String PLAN = "plan.json";

    private PlanFiles() {
    }

    static void write(Plan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("depth", p.depth());
        m.put("learnable", p.learnable());
        m.put("n", p.n());
        m.put("num_classes", p.numClasses());
        m.put("max_iter", p.maxIter());
        List<Object> splits = new ArrayList<>();
        for (Split s : p.splits()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("name", s.name());
            sm.put("kind", s.kind().name().toLowerCase(Locale.ROOT));
            sm.put("a", s.a());
            sm.put("b", s.b());
            sm.put("a_name", s.aName());
            sm.put("b_name", s.bName());
            sm.put("treatments", s.treatments().stream().map(Treatment::jsonName).toList());
            splits.add(sm);
        }
        m.put("splits", splits);
        if (p.randomWeights() != null) {
            m.put("random_weights", Map.of("split", p.randomWeights().split(), "target", p.randomWeights().target().name()));
        }
        ReportOptions r = p.report();
        Map<String, Object> rm = new LinkedHashMap<>();
        rm.put("metric", Map.of("type", r.metric().kind().jsonName(), "k", r.metric().k()));
        rm.put("tolerance", r.tolerance());
        rm.put("min_tolerance", r.minTolerance());
        rm.put("table1_ranges", r.table1Ranges().stream().map(a -> List.of(a[0], a[1])).toList());
        rm.put("paper_numbers", r.paperNumbers());
        m.put("report", rm);
        List<Object> cells = new ArrayList<>();
        for (Cell c : p.cells()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("id", c.id());
            cm.put("split", c.split());
            cm.put("treatment", c.treatment().jsonName());
            cm.put("n", c.n());
            cm.put("source", c.source() == null ? null : c.source().name());
            cm.put("target", c.target().name());
            cm.put("classes", c.classes());
            cm.put("seed", c.seed());
            cm.put("depends", c.depends());
            cm.put("stage", c.stage());
            cells.add(cm);
        }
        m.put("cells", cells);
        PlanIo.writeAtomically(p.dir().resolve(PLAN), PlanIo.pretty(m));
    }

    /** Reads the plan of a folder written by {@code transfer plan}. */
    public static Plan read(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        Path file = root.resolve(PLAN);
        if (!Files.isRegularFile(file)) {
            throw new ExperimentException(root + " holds no plan (" + PLAN + "); run 'transfer plan EXPERIMENT.json " + dir + "' first");
        }
        JsonNode m = PlanIo.read(file);
        List<Split> splits = new ArrayList<>();
        for (JsonNode s : m.get("splits")) {
            List<Treatment> ts = new ArrayList<>();
            s.get("treatments").forEach(t -> ts.add(treatment(t.asText(), file)));
            splits.add(new Split(s.get("name").asText(), Split.Kind.valueOf(s.get("kind").asText().toUpperCase(Locale.ROOT)),
                    ints(s.get("a")), ints(s.get("b")), s.get("a_name").asText(), s.get("b_name").asText(), ts));
        }
        RandomWeights rw = null;
        if (m.hasNonNull("random_weights")) {
            JsonNode r = m.get("random_weights");
            rw = new RandomWeights(r.get("split").asText(), Half.valueOf(r.get("target").asText()));
        }
        JsonNode r = m.get("report");
        Metric metric = new Metric(Metric.Kind.byName(r.get("metric").get("type").asText()), r.get("metric").get("k").asInt());
        List<int[]> ranges = new ArrayList<>();
        r.get("table1_ranges").forEach(a -> ranges.add(new int[] {a.get(0).asInt(), a.get(1).asInt()}));
        ReportOptions report = new ReportOptions(metric, r.hasNonNull("tolerance") ? r.get("tolerance").asDouble() : null,
                r.get("min_tolerance").asDouble(), ranges, r.get("paper_numbers").asBoolean());
        List<Cell> cells = new ArrayList<>();
        for (JsonNode c : m.get("cells")) {
            List<String> deps = new ArrayList<>();
            c.get("depends").forEach(d -> deps.add(d.asText()));
            cells.add(new Cell(c.get("id").asText(), c.get("split").asText(), treatment(c.get("treatment").asText(), file), c.get("n").asInt(),
                    c.hasNonNull("source") ? Half.valueOf(c.get("source").asText()) : null, Half.valueOf(c.get("target").asText()),
                    ints(c.get("classes")), c.get("seed").asLong(), deps, c.get("stage").asInt()));
        }
        List<String> learnable = new ArrayList<>();
        m.get("learnable").forEach(l -> learnable.add(l.asText()));
        return new Plan(root, m.get("name").asText(), m.get("depth").asInt(), learnable, ints(m.get("n")), m.get("num_classes").asInt(),
                splits, rw, report, m.get("max_iter").asInt(), cells);
    }

    private static Treatment treatment(String name, Path file) {
        return Treatment.byName(name).orElseThrow(() -> new ExperimentException(file + ": unknown treatment \"" + name + "\""));
    }

    private static List<Integer> ints(JsonNode a) {
        List<Integer> out = new ArrayList<>();
        a.forEach(v -> out.add(v.asInt()));
        return out;
    }
}
