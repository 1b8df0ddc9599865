package org.graft.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How one number is taken from a network's learning curve (its test top-1 accuracies): the FINAL one, the
 * BEST one, or the mean of the k best (MEAN_BEST; the paper's metric with k = 10, caffe-format.md A7).
 */
@JsonPropertyOrder({"type", "k"})
public record Metric(@JsonProperty("type") Kind kind, int k) {
    public enum Kind {
        FINAL("final"), BEST("best"), MEAN_BEST("mean_best");

        private final String jsonName;

        Kind(String jsonName) {
            this.jsonName = jsonName;
        }

        @JsonValue
        public String jsonName() {
            return jsonName;
        }

        @JsonCreator
        public static Kind byName(String name) {
            for (Kind k : values()) {
                if (k.jsonName.equals(name)) {
                    return k;
                }
            }
            throw new ExperimentException("unknown metric \"" + name + "\"; expected final, best or mean_best");
        }
    }

    public static final Metric PAPER = new Metric(Kind.MEAN_BEST, 10);

    public Metric {
        if (k < 1) {
            throw new ExperimentException("the metric's k must be at least 1, got " + k);
        }
    }

    /** The metric of a curve (accuracies in test order); NaN for an empty curve. */
    public double of(List<Double> accuracies) {
        List<Double> finite = accuracies.stream().filter(v -> !Double.isNaN(v)).toList();
        if (finite.isEmpty()) {
            return Double.NaN;
        }
        return switch (kind) {
            case FINAL -> finite.get(finite.size() - 1);
            case BEST -> finite.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            case MEAN_BEST -> {
                List<Double> sorted = new ArrayList<>(finite);
                sorted.sort(Comparator.reverseOrder());
                yield sorted.subList(0, Math.min(k, sorted.size())).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            }
        };
    }

    public String describe() {
        return switch (kind) {
            case FINAL -> "final test top-1 accuracy";
            case BEST -> "best test top-1 accuracy during training";
            case MEAN_BEST -> String.format(Locale.ROOT, "mean of the %d best test top-1 accuracies during training", k);
        };
    }
}
