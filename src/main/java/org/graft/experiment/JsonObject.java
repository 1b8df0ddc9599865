package org.graft.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A JSON object of experiment.json read strictly: unknown keys and values of the wrong type are errors
 * whose message names the file and the JSON path ("splits[1].a[3]"), what was expected and what was found.
 */
final class JsonObject {
    private final String file;
    private final String path;
    private final JsonNode node;

    JsonObject(String file, String path, JsonNode node, Set<String> known) {
        this.file = file;
        this.path = path;
        if (node == null || !node.isObject()) {
            throw error(path, "expected an object, found " + describe(node));
        }
        this.node = node;
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!known.contains(key)) {
                throw error(child(key), "unknown field \"" + key + "\"; known fields here: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    /** The folder of the file being read. */
    java.nio.file.Path baseDir() {
        return java.nio.file.Path.of(file).toAbsolutePath().getParent();
    }

    ExperimentException error(String at, String problem) {
        return new ExperimentException(file + ": " + (at.isEmpty() ? "" : at + ": ") + problem);
    }

    ExperimentException error(String problem) {
        return error(path, problem);
    }

    /** An object nested at {@code itemPath} (e.g. a list item), read with the same file name in its messages. */
    JsonObject item(String itemPath, JsonNode value, Set<String> known) {
        return new JsonObject(file, itemPath, value, known);
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    JsonNode raw(String key) {
        return node.get(key);
    }

    JsonObject object(String key, Set<String> known) {
        return has(key) ? new JsonObject(file, child(key), node.get(key), known) : null;
    }

    String string(String key, String def) {
        if (!has(key)) {
            return def;
        }
        JsonNode v = node.get(key);
        if (!v.isTextual()) {
            throw error(child(key), "expected a string, found " + describe(v));
        }
        return v.asText();
    }

    String requireString(String key, String what) {
        String s = string(key, null);
        if (s == null || s.isBlank()) {
            throw error(child(key), "missing: " + what);
        }
        return s;
    }

    Integer optInt(String key, int min) {
        if (!has(key)) {
            return null;
        }
        return asInt(node.get(key), child(key), min);
    }

    int integer(String key, int def, int min) {
        Integer v = optInt(key, min);
        return v == null ? def : v;
    }

    Long optLong(String key, long min) {
        if (!has(key)) {
            return null;
        }
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw error(child(key), "expected an integer, found " + describe(v));
        }
        if (v.asLong() < min) {
            throw error(child(key), "must be at least " + min + ", found " + v.asLong());
        }
        return v.asLong();
    }

    Double optDouble(String key, double min) {
        if (!has(key)) {
            return null;
        }
        JsonNode v = node.get(key);
        if (!v.isNumber()) {
            throw error(child(key), "expected a number, found " + describe(v));
        }
        if (v.asDouble() < min) {
            throw error(child(key), "must be at least " + min + ", found " + v.asDouble());
        }
        return v.asDouble();
    }

    boolean bool(String key, boolean def) {
        if (!has(key)) {
            return def;
        }
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw error(child(key), "expected true or false, found " + describe(v));
        }
        return v.asBoolean();
    }

    List<JsonNode> array(String key) {
        if (!has(key)) {
            return null;
        }
        JsonNode v = node.get(key);
        if (!v.isArray()) {
            throw error(child(key), "expected a list, found " + describe(v));
        }
        List<JsonNode> items = new ArrayList<>();
        v.forEach(items::add);
        return items;
    }

    List<String> strings(String key) {
        List<JsonNode> items = array(key);
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (!items.get(i).isTextual()) {
                throw error(child(key) + "[" + i + "]", "expected a string, found " + describe(items.get(i)));
            }
            out.add(items.get(i).asText());
        }
        return out;
    }

    /**
     * A list of non-negative integers; a string item "a-b" stands for a..b inclusive (so the paper's
     * natural/man-made halves can be written as ranges).
     */
    List<Integer> intList(String key) {
        return intList(key, MAX_RANGE, "the longest range allowed");
    }

    /** The most values one "a-b" range may expand to when nothing smaller bounds it. */
    static final int MAX_RANGE = 1 << 20;

    /**
     * As {@link #intList(String)}, with every range's end below {@code limit} (what it ranges over, e.g.
     * the number of classes), checked before the range is expanded.
     */
    List<Integer> intList(String key, int limit, String limitName) {
        List<JsonNode> items = array(key);
        if (items == null) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode v = items.get(i);
            String at = child(key) + "[" + i + "]";
            if (v.isTextual() && v.asText().matches("\\s*\\d+\\s*-\\s*\\d+\\s*")) {
                String[] ab = v.asText().split("-");
                if (ab[0].trim().length() > 10 || ab[1].trim().length() > 10) {
                    throw error(at, "range \"" + v.asText() + "\" goes past " + (limit - 1) + " (" + limitName + ")");
                }
                long a = Long.parseLong(ab[0].trim());
                long b = Long.parseLong(ab[1].trim());
                if (b < a) {
                    throw error(at, "range \"" + v.asText() + "\" runs backwards");
                }
                if (b >= limit) {
                    throw error(at, "range \"" + v.asText() + "\" goes past " + (limit - 1) + " (" + limitName + ")");
                }
                for (int c = (int) a; c <= b; c++) {
                    out.add(c);
                }
            } else {
                out.add(asInt(v, at, 0));
            }
        }
        return out;
    }

    private int asInt(JsonNode v, String at, int min) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error(at, "expected an integer, found " + describe(v));
        }
        if (v.asInt() < min) {
            throw error(at, "must be at least " + min + ", found " + v.asInt());
        }
        return v.asInt();
    }

    static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        if (v.isNull()) {
            return "null";
        }
        if (v.isTextual()) {
            return "\"" + v.asText() + "\" (a string)";
        }
        if (v.isNumber()) {
            return v.asText() + " (a number)";
        }
        if (v.isBoolean()) {
            return v.asText() + " (a boolean)";
        }
        return v.isArray() ? "a list" : "an object";
    }
}
