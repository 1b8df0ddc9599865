package org.graft.experiment;

import java.util.ArrayList;
import java.util.List;

/**
 * The paper's Table 1: the mean boost of AnB+ over baseB and over the selffer BnB+, aggregated over ranges
 * of n (1–7, 3–7, 5–7 for L = 8), each with the 95% confidence interval of the difference of means and the
 * p-value of Welch's t-test.
 */
public final class Table1 {
    public record Row(int from, int to, Stats.Difference overBase, Stats.Difference overSelffer) {
    }

    private Table1() {
    }

    public static List<Row> compute(Evidence e, List<int[]> ranges) {
        List<Row> rows = new ArrayList<>();
        for (int[] r : ranges) {
            double[] ft = e.group(Treatment.Group.TRANSFER_FT, r[0], r[1]);
            double[] self = e.group(Treatment.Group.SELFFER_FT, r[0], r[1]);
            rows.add(new Row(r[0], r[1], Stats.welch(ft, e.bases()), Stats.welch(ft, self)));
        }
        return rows;
    }
}
