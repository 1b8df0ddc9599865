package org.graft.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code result.json} of each cell, written atomically (temporary file + rename) when the cell ends, so
 * a killed run leaves either a complete result or none. A cell is finished exactly when its result exists.
 */
public final class ResultStore {
    public static final String RESULT = "result.json";

    private ResultStore() {
    }

    public static boolean exists(Plan plan, String cellId) {
        return Files.isRegularFile(plan.cellDir(cellId).resolve(RESULT));
    }

    public static Optional<CellResult> read(Plan plan, String cellId) {
        Path file = plan.cellDir(cellId).resolve(RESULT);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(parse(PlanIo.read(file)));
    }

    /** Writes a result; {@code net} (the cell's net.json as parsed JSON) and {@code cell} are embedded as the cell's config. */
    public static void write(Plan plan, CellResult r, JsonNode cell, JsonNode net) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("status", r.status().name().toLowerCase());
        m.put("reason", r.reason());
        m.put("top1", num(r.finalTop1()));
        m.put("top5", num(r.finalTop5()));
        m.put("loss", num(r.finalLoss()));
        m.put("iterations", r.iterations());
        m.put("seed", r.seed());
        m.put("device", r.device());
        m.put("backend", r.backend());
        m.put("wall_seconds", r.wallSeconds());
        m.put("started", r.started());
        m.put("finished", r.finished());
        m.put("model", r.model());
        List<Object> curve = new ArrayList<>();
        for (CellResult.CurvePoint p : r.curve()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("iter", p.iter());
            pm.put("top1", num(p.top1()));
            pm.put("top5", num(p.top5()));
            pm.put("loss", num(p.loss()));
            curve.add(pm);
        }
        m.put("curve", curve);
        m.put("cell", cell);
        m.put("net", net);
        PlanIo.writeAtomically(plan.cellDir(r.id()).resolve(RESULT), PlanIo.pretty(m));
    }

    private static Double num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    private static double num(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }

    private static String str(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    static CellResult parse(JsonNode m) {
        List<CellResult.CurvePoint> curve = new ArrayList<>();
        if (m.has("curve")) {
            for (JsonNode p : m.get("curve")) {
                curve.add(new CellResult.CurvePoint(p.get("iter").asInt(), num(p.get("top1")), num(p.get("top5")), num(p.get("loss"))));
            }
        }
        return new CellResult(m.get("id").asText(), CellResult.Status.valueOf(m.get("status").asText().toUpperCase()), str(m.get("reason")),
                num(m.get("top1")), num(m.get("top5")), num(m.get("loss")), curve, m.path("iterations").asInt(), m.path("seed").asLong(),
                str(m.get("device")), str(m.get("backend")), m.path("wall_seconds").asDouble(), str(m.get("started")), str(m.get("finished")),
                str(m.get("model")));
    }
}
