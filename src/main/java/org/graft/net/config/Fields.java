package org.graft.net.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * One JSON object of a net.json, with its allowed field names. Creating it rejects unknown fields
 * (listing the known ones); the getters convert and range-check values, failing at the value's position.
 */
public final class Fields {
    private final Doc doc;
    private final Node node;
    private final List<String> known;

    private Fields(Doc doc, Node node, List<String> known) {
        this.doc = doc;
        this.node = node;
        this.known = known;
    }

    /** {@code what} names the object in messages, e.g. "convolution_param" or "a layer". */
    static Fields of(Doc doc, Node node, String what, List<String> known) {
        if (node.kind != Node.Kind.OBJECT) {
            throw doc.error(node, "expected " + what + " to be an object { ... }, found " + node.describe());
        }
        for (Node.Member m : node.members.values()) {
            if (!known.contains(m.key())) {
                String close = closest(m.key(), known);
                String hint = close == null ? "" : " (did you mean \"" + close + "\"?)";
                throw doc.error(m.line(), m.column(), Node.child(node.path, m.key()),
                        "unknown field \"" + m.key() + "\" in " + what + hint + "; known fields: "
                                + String.join(", ", known));
            }
        }
        return new Fields(doc, node, known);
    }

    Node node() {
        return node;
    }

    Doc doc() {
        return doc;
    }

    boolean has(String key) {
        return get(key) != null;
    }

    /** The value of {@code key}, or null when absent. */
    Node get(String key) {
        if (!known.contains(key)) {
            throw new IllegalStateException("field " + key + " is not declared for " + node.path);
        }
        Node.Member m = node.members.get(key);
        return m == null ? null : m.value();
    }

    /** An error about {@code key}: at its value when present, else at the start of this object. */
    ConfigException error(String key, String problem) {
        Node v = get(key);
        if (v != null) {
            return doc.error(v, problem);
        }
        return doc.error(node.line, node.column, Node.child(node.path, key), problem);
    }

    ConfigException missing(String key, String hint) {
        return doc.error(node.line, node.column, Node.child(node.path, key),
                "missing required field \"" + key + "\"" + (hint.isEmpty() ? "" : " (" + hint + ")"));
    }

    Node require(String key, String hint) {
        Node v = get(key);
        if (v == null) {
            throw missing(key, hint);
        }
        return v;
    }

    String string(String key) {
        Node v = get(key);
        return v == null ? null : doc.asNonEmptyString(v);
    }

    String requireString(String key, String hint) {
        return doc.asNonEmptyString(require(key, hint));
    }

    boolean bool(String key, boolean def) {
        Node v = get(key);
        return v == null ? def : doc.asBool(v);
    }

    Boolean optBool(String key) {
        Node v = get(key);
        return v == null ? null : doc.asBool(v);
    }

    int integer(String key, int def) {
        Node v = get(key);
        return v == null ? def : doc.asInt(v);
    }

    Integer optInteger(String key) {
        Node v = get(key);
        return v == null ? null : doc.asInt(v);
    }

    long longValue(String key, long def) {
        Node v = get(key);
        return v == null ? def : doc.asLong(v);
    }

    /** An integer >= {@code min}; {@code def} when absent. */
    int intAtLeast(String key, int def, int min) {
        Node v = get(key);
        if (v == null) {
            return def;
        }
        return atLeast(v, doc.asInt(v), min);
    }

    int requireIntAtLeast(String key, int min, String hint) {
        Node v = require(key, hint);
        return atLeast(v, doc.asInt(v), min);
    }

    float floatValue(String key, float def) {
        Node v = get(key);
        return v == null ? def : doc.asFloat(v);
    }

    double doubleValue(String key, double def) {
        Node v = get(key);
        return v == null ? def : doc.asDouble(v);
    }

    /** A number >= {@code min}; {@code def} when absent. */
    double doubleAtLeast(String key, double def, double min) {
        Node v = get(key);
        if (v == null) {
            return def;
        }
        double d = doc.asDouble(v);
        if (d < min) {
            throw doc.error(v, "expected a number >= " + min + ", found " + d);
        }
        return d;
    }

    <E extends Enum<E> & JsonEnum> E enumValue(String key, Class<E> type, E def) {
        Node v = get(key);
        return v == null ? def : doc.asEnum(v, type);
    }

    Path path(String key) {
        Node v = get(key);
        return v == null ? null : doc.asPath(v);
    }

    /** The items of an array field; empty when absent. */
    List<Node> array(String key) {
        Node v = get(key);
        if (v == null) {
            return List.of();
        }
        if (v.kind != Node.Kind.ARRAY) {
            throw doc.error(v, "expected an array [ ... ], found " + v.describe());
        }
        return v.items;
    }

    <T> List<T> list(String key, Function<Node, T> item) {
        List<T> out = new ArrayList<>();
        for (Node n : array(key)) {
            out.add(item.apply(n));
        }
        return out;
    }

    List<String> strings(String key) {
        return list(key, doc::asNonEmptyString);
    }

    List<Float> floats(String key) {
        return list(key, doc::asFloat);
    }

    List<Boolean> bools(String key) {
        return list(key, doc::asBool);
    }

    /** Integers >= {@code min}. */
    List<Integer> ints(String key, int min) {
        return list(key, n -> atLeast(n, doc.asInt(n), min));
    }

    /**
     * Caffe's repeated uint32 for spatial sizes (kernel_size, stride, pad, dilation): one integer, or a
     * list of one (both axes) or two (height, width). Each value must be >= {@code min}.
     */
    List<Integer> spatial(String key, int min) {
        Node v = get(key);
        if (v == null) {
            return List.of();
        }
        if (v.kind == Node.Kind.INTEGER) {
            return List.of(atLeast(v, doc.asInt(v), min));
        }
        if (v.kind != Node.Kind.ARRAY) {
            throw doc.error(v, "expected an integer or a list of 1 or 2 integers (height, width), found "
                    + v.describe());
        }
        if (v.items.isEmpty() || v.items.size() > 2) {
            throw doc.error(v, "expected 1 or 2 values (one for both axes, or height and width), found "
                    + v.items.size() + "; Graft's layers are 2-D");
        }
        return ints(key, min);
    }

    /** A nested object field, or null when absent. */
    Fields object(String key, String what, List<String> knownFields) {
        Node v = get(key);
        return v == null ? null : of(doc, v, what, knownFields);
    }

    private int atLeast(Node at, int value, int min) {
        if (value < min) {
            String expected = min == 1 ? "a positive integer (>= 1)" : min == 0 ? "an integer >= 0" : "an integer >= " + min;
            throw doc.error(at, "expected " + expected + ", found " + value);
        }
        return value;
    }

    /** The known name closest to a misspelt one, when it is close enough to be a likely typo. */
    public static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word.toLowerCase(), c.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= Math.max(2, word.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(subst, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
