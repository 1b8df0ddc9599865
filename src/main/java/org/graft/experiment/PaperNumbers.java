package org.graft.experiment;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The paper's own results, as recomputed from its repository's logs (caffe-format.md A7; top-1 on the
 * target validation set, each network's mean of its 10 best tests), and its Table 1. These are reference
 * data for the report's "paper" columns and for testing the findings' logic; the run's numbers are always
 * computed from its own results.
 */
public final class PaperNumbers {
    /** Mean of the 8 base halves (range 0.6151–0.6341) and of the 1000-class netbase. */
    public static final double BASE = 0.6251;
    public static final double BASE_ALL = 0.5763;
    public static final double[] BNB = {0.6267, 0.6235, 0.6211, 0.6048, 0.5935, 0.6188, 0.6232};
    public static final double[] ANB = {0.6282, 0.6239, 0.6189, 0.5998, 0.5780, 0.5806, 0.5425};
    public static final double[] BNB_PLUS = {0.6177, 0.6215, 0.6313, 0.6287, 0.6301, 0.6276, 0.6266};
    public static final double[] ANB_PLUS = {0.6373, 0.6358, 0.6426, 0.6398, 0.6446, 0.6460, 0.6465};
    /** Natural → man-made (target man-made, 551 classes; its base 0.5372). */
    public static final double[] NAT_TO_MAN = {0.5392, 0.5214, 0.5008, 0.4616, 0.4098, 0.3742, 0.2914};
    public static final double NAT_TO_MAN_BASE = 0.5372;
    /** Man-made → natural (target natural, 449 classes; its base 0.6534). */
    public static final double[] MAN_TO_NAT = {0.6571, 0.6506, 0.6250, 0.5824, 0.5219, 0.4851, 0.3990};
    public static final double MAN_TO_NAT_BASE = 0.6534;
    /** Random frozen first n layers, trained on all 1000 classes (base: netbase). */
    public static final double[] RANDOM = {0.4917, 0.4026, 0.0011, 0.0191, 0.0499, 0.0145, 0.0146};
    /** Table 1: layers aggregated, mean boost of AnB+ over baseB, over BnB+. */
    public static final List<double[]> TABLE1 = List.of(new double[] {1, 7, 0.016, 0.014}, new double[] {3, 7, 0.018, 0.014},
            new double[] {5, 7, 0.021, 0.017});

    private PaperNumbers() {
    }

    public static double[] of(Treatment.Group g) {
        return switch (g) {
            case SELFFER -> BNB;
            case SELFFER_FT -> BNB_PLUS;
            case TRANSFER -> ANB;
            case TRANSFER_FT -> ANB_PLUS;
            case RANDOM -> RANDOM;
            case BASE -> new double[] {BASE};
            case BASE_ALL -> new double[] {BASE_ALL};
        };
    }

    /** The paper's per-n means as evidence (one value per point, so no t-test is possible on them). */
    public static Evidence evidence() {
        Map<Treatment.Group, SortedMap<Integer, double[]>> similar = new EnumMap<>(Treatment.Group.class);
        for (Treatment.Group g : List.of(Treatment.Group.SELFFER, Treatment.Group.SELFFER_FT, Treatment.Group.TRANSFER, Treatment.Group.TRANSFER_FT)) {
            SortedMap<Integer, double[]> byN = new TreeMap<>();
            double[] v = of(g);
            for (int n = 1; n <= 7; n++) {
                byN.put(n, new double[] {v[n - 1]});
            }
            similar.put(g, byN);
        }
        return new Evidence(8, List.of(1, 2, 3, 4, 5, 6, 7), new double[] {BASE}, BASE_ALL, similar,
                List.of(line("man-made → natural", MAN_TO_NAT_BASE, 1.0 / 449, MAN_TO_NAT),
                        line("natural → man-made", NAT_TO_MAN_BASE, 1.0 / 551, NAT_TO_MAN)),
                line("random weights, all classes", BASE_ALL, 1.0 / 1000, RANDOM));
    }

    private static Evidence.Line line(String name, double base, double chance, double[] v) {
        SortedMap<Integer, Double> m = new TreeMap<>();
        for (int n = 1; n <= v.length; n++) {
            m.put(n, v[n - 1]);
        }
        return new Evidence.Line(name, base, chance, m);
    }
}
