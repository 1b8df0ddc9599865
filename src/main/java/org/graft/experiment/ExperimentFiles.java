package org.graft.experiment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.graft.io.AtomicFiles;

/**
 * The files of an experiment folder. JSON (experiment.json, plan.json, result.json) is bound to records by
 * Jackson, strictly: an unknown field, a duplicate key or a value of the wrong type is an error that names
 * the file, the line and column, and the field's path ("splits[1].random.sed"). Records name their JSON
 * fields in snake case; JSON has no NaN, so a non-finite double is written as null and null reads back as NaN.
 * Every file is written atomically (temporary file + rename).
 */
final class ExperimentFiles {
    static final ObjectMapper MAPPER = mapper();

    private ExperimentFiles() {
    }

    private static ObjectMapper mapper() {
        SimpleModule nan = new SimpleModule("non-finite doubles as null")
                .addSerializer(Double.class, new NonFiniteAsNull())
                .addSerializer(double.class, new NonFiniteAsNull())
                .addDeserializer(double.class, new NullAsNaN());
        ObjectMapper m = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                        DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .addModule(nan)
                .build();
        // "name": 5 is not the string "5", and "seed": "5" is not the number 5.
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return m;
    }

    /** A record bound from a file, with the positions of its values for the messages of later checks. */
    record Bound<T>(T value, Path file, Map<String, JsonLocation> positions) {
        /** An error at a field's path ("" for the whole file), with the line and column where its value starts. */
        ExperimentException error(String path, String problem) {
            String at = path;
            while (!positions.containsKey(at) && !at.isEmpty()) {
                at = parent(at); // a derived path: point at the nearest value that is in the file
            }
            JsonLocation l = positions.get(at);
            String where = l == null ? file.toString() : file + ":" + l.getLineNr() + ":" + l.getColumnNr();
            return new ExperimentException(where + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
        }

        private static String parent(String path) {
            int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
            return cut < 0 ? "" : path.substring(0, cut);
        }
    }

    /** Reads and binds a JSON file; every problem is an {@link ExperimentException} naming file:line:column. */
    static <T> Bound<T> read(Path file, Class<T> type) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ExperimentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file, type);
    }

    /** Binds JSON text as if read from {@code file}. */
    static <T> Bound<T> parse(String text, Path file, Class<T> type) {
        Map<String, JsonLocation> positions = Map.of();
        try {
            positions = positions(text);
            T value = MAPPER.readValue(text, type);
            if (value == null) {
                throw new ExperimentException(file + ": expected an object, found null");
            }
            return new Bound<>(value, file, positions);
        } catch (JsonMappingException e) {
            String path = path(e);
            JsonLocation at = positions.getOrDefault(path, e.getLocation()); // the value's start, not where the binder noticed
            throw new ExperimentException(where(file, at) + (path.isEmpty() ? "" : path + ": ") + problem(e, found(text, positions.get(path))), e);
        } catch (JsonProcessingException e) {
            throw new ExperimentException(where(file, e.getLocation()) + "malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ExperimentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A JSON file read as a tree, for embedding it in another file. */
    static JsonNode tree(Path file) {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ExperimentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Pretty-printed JSON with a final newline. */
    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes through a temporary file in the same folder and an atomic rename, so a reader (or a run that is
     * killed half-way) never sees a partial file: the old content or the new, nothing between.
     */
    static void writeAtomically(Path file, String text) {
        try {
            AtomicFiles.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Where every value starts, by path; one streaming pass (Jackson's trees keep no positions). */
    private static Map<String, JsonLocation> positions(String text) throws IOException {
        Map<String, JsonLocation> out = new HashMap<>();
        try (JsonParser p = MAPPER.getFactory().createParser(text)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
                    JsonStreamContext c = t.isStructStart() ? p.getParsingContext().getParent() : p.getParsingContext();
                    out.put(path(c), p.currentTokenLocation());
                }
            }
        }
        return out;
    }

    private static String path(JsonStreamContext c) {
        List<String> parts = new ArrayList<>();
        for (; c != null && !c.inRoot(); c = c.getParent()) {
            parts.add(0, c.inArray() ? "[" + c.getCurrentIndex() + "]" : "." + c.getCurrentName());
        }
        String s = String.join("", parts);
        return s.startsWith(".") ? s.substring(1) : s;
    }

    private static String where(Path file, JsonLocation l) {
        return file + (l == null || l.getLineNr() < 0 ? "" : ":" + l.getLineNr() + ":" + l.getColumnNr()) + ": ";
    }

    private static String path(JsonMappingException e) {
        StringBuilder s = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                s.append(s.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                s.append('[').append(r.getIndex()).append(']');
            }
        }
        return s.toString();
    }

    /** What the file holds at {@code at}, e.g. "\"5\" (a string)", read again from the text (the binder's parser is gone by now). */
    private static String found(String text, JsonLocation at) {
        if (at == null || at.getCharOffset() < 0) {
            return "something else";
        }
        // Inside a list, so that what follows the value (a comma) is not an error.
        try (JsonParser p = MAPPER.createParser("[" + text.substring((int) at.getCharOffset()))) {
            p.nextToken();
            p.nextToken();
            return found(p);
        } catch (IOException e) {
            return "something else";
        }
    }

    private static String problem(JsonMappingException e, String found) {
        if (e instanceof UnrecognizedPropertyException u) {
            Set<String> notInFile = notInFile(u.getReferringClass());
            List<String> known = u.getKnownPropertyIds() == null ? List.of()
                    : u.getKnownPropertyIds().stream().map(String::valueOf).filter(k -> !notInFile.contains(k)).sorted().toList();
            return "unknown field \"" + u.getPropertyName() + "\"; known fields here: " + String.join(", ", known);
        }
        if (e instanceof ValueInstantiationException && e.getCause() instanceof ExperimentException x) {
            return x.getMessage(); // a record's own check
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "expected " + expected(m.getTargetType()) + ", found " + found;
        }
        return e.getOriginalMessage();
    }

    /** The JSON names of a record's components kept out of its file (a plan's folder): not fields to suggest. */
    private static Set<String> notInFile(Class<?> type) {
        if (type == null || !type.isRecord()) {
            return Set.of();
        }
        return Arrays.stream(type.getRecordComponents()).filter(c -> c.getAccessor().isAnnotationPresent(JsonIgnore.class))
                .map(c -> new PropertyNamingStrategies.SnakeCaseStrategy().translate(c.getName())).collect(Collectors.toSet());
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : type.getEnumConstants()) {
                names.add("\"" + MAPPER.convertValue(c, String.class) + "\"");
            }
            return "one of " + String.join(", ", names);
        }
        return type.isArray() || Collection.class.isAssignableFrom(type) ? "a list" : "an object";
    }

    private static String found(JsonParser p) {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "nothing";
        }
        try {
            return switch (t) {
                case VALUE_STRING -> "\"" + p.getText() + "\" (a string)";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText() + " (a number)";
                case VALUE_TRUE, VALUE_FALSE -> p.getText() + " (a boolean)";
                case VALUE_NULL -> "null";
                case START_ARRAY, END_ARRAY -> "a list";
                default -> "an object";
            };
        } catch (IOException e) {
            return t.toString();
        }
    }

    /** Writes NaN and the infinities as null: JSON has no such numbers. */
    private static final class NonFiniteAsNull extends StdSerializer<Double> {
        NonFiniteAsNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double v, com.fasterxml.jackson.core.JsonGenerator g, com.fasterxml.jackson.databind.SerializerProvider p)
                throws IOException {
            if (v == null || !Double.isFinite(v)) {
                g.writeNull();
            } else {
                g.writeNumber(v);
            }
        }
    }

    /** Reads null (what {@link NonFiniteAsNull} wrote) as NaN, "unknown", for primitive doubles. */
    private static final class NullAsNaN extends StdDeserializer<Double> {
        NullAsNaN() {
            super(double.class);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.currentToken().isNumeric()) {
                return (Double) ctxt.handleUnexpectedToken(double.class, p);
            }
            return p.getDoubleValue();
        }

        @Override
        public Double getNullValue(DeserializationContext ctxt) {
            return Double.NaN;
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return Double.NaN;
        }
    }
}
