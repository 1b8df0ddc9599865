package org.graft.net.config;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * A JSON value with where it starts in the file and its path in the document, so that errors found
 * after parsing (wrong type, bad value, undefined bottom) can still name line and column.
 */
final class Node {
    enum Kind { OBJECT, ARRAY, STRING, INTEGER, FLOAT, BOOLEAN, NULL }

    /** An object member: the key's own position is kept for "unknown field" errors. */
    record Member(String key, int line, int column, Node value) {
    }

    final Kind kind;
    final String path;
    final int line;
    final int column;
    /** OBJECT: members in file order. */
    final Map<String, Member> members;
    /** ARRAY: items in order. */
    final List<Node> items;
    /** STRING: String; INTEGER: BigInteger; FLOAT: Double; BOOLEAN: Boolean. */
    final Object scalar;

    private Node(Kind kind, String path, int line, int column, Map<String, Member> members, List<Node> items,
                 Object scalar) {
        this.kind = kind;
        this.path = path;
        this.line = line;
        this.column = column;
        this.members = members;
        this.items = items;
        this.scalar = scalar;
    }

    static Node object(String path, int line, int column, Map<String, Member> members) {
        return new Node(Kind.OBJECT, path, line, column, members, List.of(), null);
    }

    static Node array(String path, int line, int column, List<Node> items) {
        return new Node(Kind.ARRAY, path, line, column, Map.of(), items, null);
    }

    static Node scalar(Kind kind, String path, int line, int column, Object value) {
        return new Node(kind, path, line, column, Map.of(), List.of(), value);
    }

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String item(String parent, int index) {
        return parent + "[" + index + "]";
    }

    BigInteger integer() {
        return (BigInteger) scalar;
    }

    /** The value as an error message shows it, e.g. {@code "64" (a string)} or {@code an object}. */
    String describe() {
        return switch (kind) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case NULL -> "null";
            case STRING -> quote((String) scalar) + " (a string)";
            case BOOLEAN -> scalar + " (a boolean)";
            case INTEGER -> scalar + " (an integer)";
            case FLOAT -> scalar + " (a number with a fraction or exponent)";
        };
    }

    static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
