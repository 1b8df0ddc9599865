package org.graft.experiment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A planned grid as stored in {@code DIR/plan.json}: what {@code run} and {@code report} need without the
 * original experiment.json (whose relative paths may no longer resolve). Cells are in run order: every
 * cell after the cells it depends on. The folder {@code dir} is where the file lies, not part of it.
 * {@code chopPoints}: the names of the chop points experiment.json gave (n counts them), or null when n
 * counts learnable layers.
 */
@JsonPropertyOrder({"name", "depth", "learnable", "chop_points", "n", "num_classes", "max_iter", "splits", "random_weights", "report", "cells"})
public record Plan(@JsonIgnore Path dir, String name, int depth, List<String> learnable, List<Integer> n, int numClasses,
                   List<Split> splits, @JsonInclude(JsonInclude.Include.NON_NULL) RandomWeights randomWeights, ReportOptions report, int maxIter, List<Cell> cells,
                   @JsonInclude(JsonInclude.Include.NON_NULL) List<String> chopPoints) {
    public Plan {
        chopPoints = chopPoints == null ? null : List.copyOf(chopPoints);
        learnable = List.copyOf(learnable);
        n = List.copyOf(n);
        splits = List.copyOf(splits);
        cells = List.copyOf(cells);
    }

    /** This plan as stored in the folder {@code folder}. */
    Plan in(Path folder) {
        return new Plan(folder, name, depth, learnable, n, numClasses, splits, randomWeights, report, maxIter, cells, chopPoints);
    }

    public Optional<Cell> cell(String id) {
        return cells.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    public Optional<Split> split(String splitName) {
        return splits.stream().filter(s -> s.name().equals(splitName)).findFirst();
    }

    public Path cellDir(String id) {
        return dir.resolve("cells").resolve(id);
    }

    public Path cellDir(Cell c) {
        return cellDir(c.id());
    }
}
