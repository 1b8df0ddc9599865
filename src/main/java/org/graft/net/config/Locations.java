package org.graft.net.config;

import java.util.Map;

/**
 * Where the values of a message were in its file, by path ({@code layers[2].convolution_param.pad}), so
 * that a check on the message fails at the value's line and column. A message that did not come from a
 * net.json (a prototxt, a caffemodel's net) has no positions; its errors carry the path only. A value
 * that is not there (a missing field) is reported at the object that should hold it.
 */
final class Locations {
    private final Doc doc;
    private final Map<String, Node> nodes;
    private final Map<String, Node.Member> keys;
    private final String layersKey;

    /** {@code layersKey}: what the file calls NetParameter's layer list ("layers" or the proto's "layer"). */
    Locations(Doc doc, Map<String, Node> nodes, Map<String, Node.Member> keys, String layersKey) {
        this.doc = doc;
        this.nodes = Map.copyOf(nodes);
        this.keys = Map.copyOf(keys);
        this.layersKey = layersKey;
    }

    /** For a message built in code or read from a Caffe file: paths only. */
    static Locations none(Doc doc) {
        return new Locations(doc, Map.of(), Map.of(), NetBinder.LAYERS);
    }

    String layersKey() {
        return layersKey;
    }

    /** Whether the file had a value at exactly this path. */
    boolean has(String path) {
        return nodes.containsKey(path);
    }

    Doc doc() {
        return doc;
    }

    ConfigException error(String path, String problem) {
        Node at = nearest(path);
        return at == null ? new ConfigException(doc.file(), 0, 0, path, problem) : doc.error(at.line, at.column, path, problem);
    }

    /** An error about the field at {@code path} as a whole (e.g. one that does not belong), placed at its key. */
    ConfigException keyError(String path, String problem) {
        Node.Member key = keys.get(path);
        return key == null ? error(path, problem) : doc.error(key.line(), key.column(), path, problem);
    }

    /** An error about {@code path}, placed at the value of {@code positionPath} (e.g. the setting that needs it). */
    ConfigException errorAt(String positionPath, String path, String problem) {
        Node at = nearest(positionPath);
        return at == null ? new ConfigException(doc.file(), 0, 0, path, problem) : doc.error(at.line, at.column, path, problem);
    }

    /** The number written at {@code path} in the file, or null (no file, or no number there). */
    Double number(String path) {
        Node n = nodes.get(path);
        if (n == null || (n.kind != Node.Kind.INTEGER && n.kind != Node.Kind.FLOAT)) {
            return null;
        }
        return n.kind == Node.Kind.INTEGER ? n.integer().doubleValue() : (Double) n.scalar;
    }

    /** The line of the value at {@code path} (or the object holding it); 0 when unknown. */
    int line(String path) {
        Node at = nearest(path);
        return at == null ? 0 : at.line;
    }

    private Node nearest(String path) {
        String p = path;
        while (true) {
            Node n = nodes.get(p);
            if (n != null) {
                return n;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                return nodes.get("");
            }
            p = p.substring(0, cut);
        }
    }
}
