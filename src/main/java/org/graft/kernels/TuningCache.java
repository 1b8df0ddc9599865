package org.graft.kernels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.graft.engine.Debug;
import org.graft.engine.Engine;
import org.graft.io.AtomicFiles;

/**
 * The tuner's winners on disk: one JSON file per device and backend under {@code <cache>/tuning/},
 * stamped with the device's identity (name, vendor, driver version) and the signature of the kernel
 * source and candidate list. A file that cannot be parsed, or whose stamp differs from the running
 * device, driver or kernels, is ignored (never trusted) and replaced at the next write. Writes go to a
 * temporary file that is then renamed, and merge with what other processes wrote meanwhile.
 */
public final class TuningCache {
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public TuningCache(Path dir) {
        this.dir = dir;
    }

    /** The default location: $GRAFT_CACHE/tuning, else ~/.cache/graft/tuning. */
    public static TuningCache defaultCache() {
        return new TuningCache(ProgramCache.baseDir().resolve("tuning"));
    }

    Path file(Engine e) {
        return dir.resolve("gemm-" + ProgramCache.sha256(e.cl().backendName() + "\n" + e.device().cacheKey()) + ".json");
    }

    /**
     * A stored result: the winner's id and the milliseconds measured per candidate (the median for the
     * candidates timed to the end, one run for those the screen dropped).
     */
    record Entry(String winner, Map<String, Double> ms) {
    }

    /** The stored result for {@code shapeKey}, or null if there is none that can be trusted. */
    Entry entry(Engine e, String signature, String shapeKey) {
        ObjectNode entries = trustedEntries(e, signature);
        JsonNode entry = entries != null ? entries.get(shapeKey) : null;
        JsonNode w = entry != null ? entry.get("winner") : null;
        if (w == null || !w.isTextual()) {
            return null;
        }
        Map<String, Double> ms = new LinkedHashMap<>();
        entry.path("median_ms").fields().forEachRemaining(f -> {
            if (f.getValue().isNumber()) {
                ms.put(f.getKey(), f.getValue().asDouble());
            }
        });
        return new Entry(w.asText(), ms);
    }

    /** Stores a tuning result (best effort: a cache that cannot be written only costs tuning time later). */
    void record(Engine e, String signature, String shapeKey, String winner, Map<String, Double> medianMs) {
        Path target = file(e);
        try {
            ObjectNode entries = trustedEntries(e, signature);
            ObjectNode root = JSON.createObjectNode();
            root.put("format", FORMAT);
            root.put("backend", e.cl().backendName());
            root.put("device", e.device().cacheKey());
            root.put("signature", signature);
            ObjectNode out = root.putObject("entries");
            if (entries != null) {
                out.setAll(entries);
            }
            ObjectNode entry = out.putObject(shapeKey);
            entry.put("winner", winner);
            ObjectNode times = entry.putObject("median_ms");
            medianMs.forEach(times::put);
            AtomicFiles.writeBytes(target, JSON.writeValueAsBytes(root));
        } catch (IOException | RuntimeException ex) {
            Debug.log(() -> "cannot write tuning cache " + target + ": " + ex);
        }
    }

    /** The file's entries if its stamp matches this device, backend and signature; null otherwise. */
    private ObjectNode trustedEntries(Engine e, String signature) {
        Path p = file(e);
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(p.toFile());
            String problem = stampProblem(root, e, signature);
            if (problem != null) {
                Debug.log(() -> "ignoring tuning cache " + p + ": " + problem + "; it will be rebuilt");
                return null;
            }
            ObjectNode entries = (ObjectNode) root.get("entries");
            for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
                JsonNode w = it.next().getValue().get("winner");
                if (w == null || !w.isTextual()) {
                    it.remove(); // a damaged entry is dropped and re-tuned, the rest kept
                }
            }
            return entries;
        } catch (IOException | RuntimeException ex) {
            Debug.log(() -> "ignoring tuning cache " + p + ": unreadable (" + ex.getMessage() + "); it will be rebuilt");
            return null;
        }
    }

    private static String stampProblem(JsonNode root, Engine e, String signature) {
        if (root == null || !root.isObject()) {
            return "not a JSON object";
        }
        if (root.path("format").asInt(-1) != FORMAT) {
            return "format " + root.path("format") + ", expected " + FORMAT;
        }
        if (!e.device().cacheKey().equals(root.path("device").asText(null))) {
            return "written for another device or driver (" + root.path("device").asText("?") + ")";
        }
        if (!e.cl().backendName().equals(root.path("backend").asText(null))) {
            return "written through another backend";
        }
        if (!signature.equals(root.path("signature").asText(null))) {
            return "written for other kernels or candidates";
        }
        if (!(root.get("entries") instanceof ObjectNode)) {
            return "no entries object";
        }
        return null;
    }
}
