package org.graft.experiment;

import java.util.List;

/**
 * Options of {@code transfer report}: the accuracy metric, the tolerance under which two accuracies count
 * as "the same" when the findings are checked (null = the run's own noise: the spread of its base
 * networks, at least {@code minTolerance}), the layer ranges of Table 1, and whether to print the paper's
 * own numbers beside the run's.
 */
public record ReportOptions(Metric metric, Double tolerance, double minTolerance, List<int[]> table1Ranges,
                            boolean paperNumbers) {
    public ReportOptions {
        table1Ranges = List.copyOf(table1Ranges);
    }

    public ReportOptions withMetric(Metric m) {
        return new ReportOptions(m, tolerance, minTolerance, table1Ranges, paperNumbers);
    }

    public ReportOptions withPaperNumbers(boolean on) {
        return new ReportOptions(metric, tolerance, minTolerance, table1Ranges, on);
    }
}
