package org.graft.net.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON text into {@link Node}s that remember their line, column and path. Jackson's streaming
 * parser does the lexing (and reports malformed JSON with its position); this class adds positions to
 * the values, which Jackson's own tree model drops. Duplicate keys and trailing content are errors.
 */
final class JsonTreeReader {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final Path file;
    private final JsonParser parser;
    /** Where the parser is, for reporting malformed JSON. */
    private String currentPath = "";

    private JsonTreeReader(Path file, JsonParser parser) {
        this.file = file;
        this.parser = parser;
    }

    /** Parses a whole document whose root must be an object. */
    static Node read(String text, Path file) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonTreeReader reader = new JsonTreeReader(file, p);
            JsonToken first = reader.next();
            if (first == null) {
                throw new ConfigException(file, 1, 1, "", "the file is empty; expected a JSON object { ... }");
            }
            Node root = reader.value(first, "");
            if (root.kind != Node.Kind.OBJECT) {
                throw reader.error(root, "expected a JSON object { ... } at the top level, found " + root.describe());
            }
            JsonToken extra = reader.next();
            if (extra != null) {
                JsonLocation at = p.currentTokenLocation();
                throw new ConfigException(file, at.getLineNr(), at.getColumnNr(), "",
                        "unexpected content after the end of the top-level object");
            }
            return root;
        } catch (IOException e) {
            throw new ConfigException(file, 0, 0, "", "cannot read JSON: " + e.getMessage());
        }
    }

    private Node value(JsonToken token, String path) {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        try {
            return switch (token) {
                case START_OBJECT -> object(path, line, column);
                case START_ARRAY -> array(path, line, column);
                case VALUE_STRING -> Node.scalar(Node.Kind.STRING, path, line, column, parser.getText());
                case VALUE_NUMBER_INT -> Node.scalar(Node.Kind.INTEGER, path, line, column, parser.getBigIntegerValue());
                case VALUE_NUMBER_FLOAT -> Node.scalar(Node.Kind.FLOAT, path, line, column, parser.getDoubleValue());
                case VALUE_TRUE -> Node.scalar(Node.Kind.BOOLEAN, path, line, column, Boolean.TRUE);
                case VALUE_FALSE -> Node.scalar(Node.Kind.BOOLEAN, path, line, column, Boolean.FALSE);
                case VALUE_NULL -> Node.scalar(Node.Kind.NULL, path, line, column, null);
                default -> throw new ConfigException(file, line, column, path, "unexpected JSON token " + token);
            };
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new ConfigException(file, line, column, path, "cannot read JSON: " + e.getMessage());
        }
    }

    private Node object(String path, int line, int column) {
        Map<String, Node.Member> members = new LinkedHashMap<>();
        currentPath = path;
        JsonToken t;
        while ((t = next()) == JsonToken.FIELD_NAME) {
            JsonLocation keyAt = parser.currentTokenLocation();
            String key = currentName();
            String childPath = Node.child(path, key);
            Node.Member earlier = members.get(key);
            if (earlier != null) {
                throw new ConfigException(file, keyAt.getLineNr(), keyAt.getColumnNr(), childPath,
                        "field \"" + key + "\" is given twice (first at line " + earlier.line() + ", column "
                                + earlier.column() + ")");
            }
            currentPath = childPath;
            Node v = value(next(), childPath);
            members.put(key, new Node.Member(key, keyAt.getLineNr(), keyAt.getColumnNr(), v));
            currentPath = path;
        }
        return Node.object(path, line, column, members);
    }

    private Node array(String path, int line, int column) {
        List<Node> items = new ArrayList<>();
        currentPath = path;
        JsonToken t;
        while ((t = next()) != JsonToken.END_ARRAY) {
            String itemPath = Node.item(path, items.size());
            currentPath = itemPath;
            items.add(value(t, itemPath));
            currentPath = path;
        }
        return Node.array(path, line, column, items);
    }

    private JsonToken next() {
        try {
            return parser.nextToken();
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new ConfigException(file, 0, 0, currentPath, "cannot read JSON: " + e.getMessage());
        }
    }

    private String currentName() {
        try {
            return parser.currentName();
        } catch (IOException e) {
            throw new ConfigException(file, 0, 0, currentPath, "cannot read JSON: " + e.getMessage());
        }
    }

    private ConfigException malformed(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        int line = at == null ? 0 : at.getLineNr();
        int column = at == null ? 0 : at.getColumnNr();
        return new ConfigException(file, line, column, currentPath, "malformed JSON: " + e.getOriginalMessage());
    }

    private ConfigException error(Node at, String problem) {
        return new ConfigException(file, at.line, at.column, at.path, problem);
    }
}
