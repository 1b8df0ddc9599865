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
        // Accuracies are fractions: a tolerance outside [0, 1] (1e999 reads as infinity) would make every
        // finding "the same" and the report silently meaningless.
        if (tolerance != null && !(tolerance >= 0 && tolerance <= 1)) {
            throw new ExperimentException("report.tolerance must lie in [0, 1] (a fraction of accuracy), got " + tolerance);
        }
        if (!(minTolerance >= 0 && minTolerance <= 1)) {
            throw new ExperimentException("report.min_tolerance must lie in [0, 1] (a fraction of accuracy), got " + minTolerance);
        }
    }

    public ReportOptions withMetric(Metric m) {
        return new ReportOptions(m, tolerance, minTolerance, table1Ranges, paperNumbers);
    }

    public ReportOptions withPaperNumbers(boolean on) {
        return new ReportOptions(metric, tolerance, minTolerance, table1Ranges, on);
    }
}
