package org.graft.experiment;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One division of the dataset's classes into halves A and B, with the treatments to run on it.
 * {@code kind} says how the report uses it: SIMILAR splits (random halves) make Figure 2 and Table 1,
 * DISSIMILAR ones (a semantic split such as man-made / natural) make Figure 3. Class lists are in the
 * order the data layers relabel them 0..k-1 (ascending, as the paper's lists).
 */
public record Split(String name, Kind kind, List<Integer> a, List<Integer> b, String aName, String bName,
                    List<Treatment> treatments) {
    public enum Kind {
        @JsonProperty("similar") SIMILAR,
        @JsonProperty("dissimilar") DISSIMILAR
    }

    public Split {
        a = List.copyOf(a);
        b = List.copyOf(b);
        treatments = List.copyOf(treatments);
    }

    public List<Integer> classes(Half half) {
        return switch (half) {
            case A -> a;
            case B -> b;
            case ALL -> throw new IllegalArgumentException("a split has no ALL half");
        };
    }

    public String halfName(Half half) {
        return half == Half.A ? aName : half == Half.B ? bName : "all classes";
    }
}
