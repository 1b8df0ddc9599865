package org.graft.experiment;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * experiment.json as written (docs/experiment-json.md): its fields and their JSON types, bound strictly by
 * {@link ExperimentFiles}. A field left out is null here; {@link ExperimentLoader} checks the values against
 * the base network and fills in the defaults.
 */
record ExperimentFile(String name, String net, String solver, Integer numClasses,
                      @JsonDeserialize(using = ClassRanges.class) List<Integer> n, List<String> treatments, String directions,
                      List<SplitSpec> splits, RandomWeightsSpec randomWeights, ScheduleSpec schedule, Long seed,
                      @JsonDeserialize(using = MetricSpec.NameOrObject.class) MetricSpec metric,
                      @JsonDeserialize(using = ClassesOrCount.class) Integer lastLayerOutputs, DataSpec data, ReportSpec report,
                      String mean, @JsonDeserialize(contentUsing = ChopPointSpec.NameOrObject.class) List<ChopPointSpec> chopPoints) {

    /**
     * A chop point: a layer's name, or a block {@code {"name": .., "layer" | "layers" | "prefix": ..}} (exactly one
     * of the three, checked by {@link ChopPoints}).
     */
    record ChopPointSpec(String name, String layer, List<String> layers, String prefix) {
        /** A bare string is the layer whose output is the cut. */
        static final class NameOrObject extends NameOr<ChopPointSpec> {
            NameOrObject() {
                super(ChopPointSpec.class);
            }

            @Override
            ChopPointSpec byName(String name, JsonParser p) {
                return new ChopPointSpec(null, name, null, null);
            }
        }
    }

    /** One split: exactly one of random, bitmask or a (with b optional), checked by the loader. */
    record SplitSpec(String name, String kind, RandomSpec random, String bitmask,
                     @JsonDeserialize(using = ClassRanges.class) List<Integer> a,
                     @JsonDeserialize(using = ClassRanges.class) List<Integer> b,
                     String aName, String bName, List<String> treatments) {
    }

    record RandomSpec(Long seed, Integer aSize) {
    }

    record RandomWeightsSpec(String split, String target) {
    }

    record ScheduleSpec(Integer maxIter, Double baseLr, Integer stepsize,
                        @JsonDeserialize(using = ClassRanges.class) List<Integer> stepvalue, Integer testInterval, Integer tests,
                        Integer testIter, Integer snapshot, Integer display, Boolean testInitialization) {
    }

    /** {@code "best"} or {@code {"type": "mean_best", "k": 10}}. */
    record MetricSpec(String type, Integer k) {
        /** A bare name is the metric with k left out. */
        static final class NameOrObject extends NameOr<MetricSpec> {
            NameOrObject() {
                super(MetricSpec.class);
            }

            @Override
            MetricSpec byName(String name, JsonParser p) {
                return new MetricSpec(name, null);
            }
        }
    }

    record DataSpec(Integer trainLimit, Integer testLimit) {
    }

    record ReportSpec(Double tolerance, Double minTolerance, List<List<Integer>> table1Ranges, Boolean paperNumbers) {
    }

    /**
     * A list of class numbers (or layer counts, or iterations) where a string "a-b" stands for a..b inclusive,
     * so that the paper's natural/man-made halves can be written as ranges.
     */
    static final class ClassRanges extends StdDeserializer<List<Integer>> {
        /** The most values one "a-b" range may expand to (ImageNet has 1,000 classes). */
        static final int MAX_RANGE = 1 << 20;

        ClassRanges() {
            super(List.class);
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Integer> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                return (List<Integer>) ctxt.handleUnexpectedToken(List.class, p);
            }
            List<Integer> out = new ArrayList<>();
            int i = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), i++) {
                try {
                    if (t == JsonToken.VALUE_STRING && p.getText().matches("\\s*\\d+\\s*-\\s*\\d+\\s*")) {
                        String[] ab = p.getText().split("-");
                        int a = number(p, ab[0]);
                        int b = number(p, ab[1]);
                        if (b < a) {
                            throw JsonMappingException.from(p, "range \"" + p.getText() + "\" runs backwards");
                        }
                        // Checked before expanding: "0-2147483646" would otherwise fill the heap. What the values
                        // range over (the classes, the layers) is checked by the loader once the list exists.
                        if ((long) b - a + 1 > MAX_RANGE) {
                            throw JsonMappingException.from(p, "range \"" + p.getText() + "\" holds " + ((long) b - a + 1)
                                    + " values, more than the " + MAX_RANGE + " one range may hold");
                        }
                        for (int c = a; c <= b; c++) {
                            out.add(c);
                        }
                    } else {
                        Integer v = t == JsonToken.VALUE_NULL ? null : ctxt.readValue(p, Integer.class);
                        if (v == null) {
                            throw JsonMappingException.from(p, "expected an integer, found null");
                        }
                        if (v < 0) {
                            throw JsonMappingException.from(p, "must be at least 0, found " + v);
                        }
                        out.add(v);
                    }
                } catch (JsonMappingException e) {
                    e.prependPath(out, i);
                    throw e;
                }
            }
            return out;
        }

        private static int number(JsonParser p, String digits) throws JsonMappingException {
            try {
                return Integer.parseInt(digits.trim());
            } catch (NumberFormatException e) {
                throw JsonMappingException.from(p, "\"" + digits.trim() + "\" is too large for a class number");
            }
        }
    }

    /** A value written either as a name or as a T (an object, a number). */
    abstract static class NameOr<T> extends StdDeserializer<T> {
        NameOr(Class<T> type) {
            super(type);
        }

        abstract T byName(String name, JsonParser p) throws JsonMappingException;

        @Override
        @SuppressWarnings("unchecked")
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return p.currentToken() == JsonToken.VALUE_STRING ? byName(p.getText(), p) : ctxt.readValue(p, (Class<T>) handledType());
        }
    }

    /** {@code "classes"} (one output per class of the half: null here) or a number of outputs. */
    static final class ClassesOrCount extends NameOr<Integer> {
        ClassesOrCount() {
            super(Integer.class);
        }

        @Override
        Integer byName(String name, JsonParser p) throws JsonMappingException {
            if (name.equals("classes")) {
                return null;
            }
            throw JsonMappingException.from(p, "expected \"classes\" (one output per class of the half) or an integer such as 1000"
                    + " (the paper's CaffeNet), found \"" + name + "\"");
        }
    }
}
