package org.graft.experiment;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A planned grid as stored in {@code DIR/plan.json}: what {@code run} and {@code report} need without the
 * original experiment.json (whose relative paths may no longer resolve). Cells are in run order: every
 * cell after the cells it depends on.
 */
public record Plan(Path dir, String name, int depth, List<String> learnable, List<Integer> n, int numClasses,
                   List<Split> splits, RandomWeights randomWeights, ReportOptions report, int maxIter, List<Cell> cells) {
    public Plan {
        learnable = List.copyOf(learnable);
        n = List.copyOf(n);
        splits = List.copyOf(splits);
        cells = List.copyOf(cells);
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
