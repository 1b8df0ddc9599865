package org.graft.experiment;

import java.util.Arrays;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.inference.TestUtils;

/** Means, spreads and Welch's two-sample comparison (Apache Commons Math) for the report. */
public final class Stats {
    private Stats() {
    }

    public static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** Sample standard deviation (n − 1); NaN below two values. */
    public static double sd(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    /**
     * mean(a) − mean(b) with its 95% confidence interval from the Welch–Satterthwaite t distribution and the
     * two-sided p-value of Welch's t-test (unequal variances). Interval and p are NaN when either sample has
     * fewer than two values or both have no spread.
     */
    public record Difference(double diff, double low, double high, double p, int na, int nb) {
        public boolean significant() {
            return !Double.isNaN(p) && p < 0.05;
        }
    }

    public static Difference welch(double[] a, double[] b) {
        double diff = mean(a) - mean(b);
        if (a.length < 2 || b.length < 2) {
            return new Difference(diff, Double.NaN, Double.NaN, Double.NaN, a.length, b.length);
        }
        double va = Math.pow(sd(a), 2) / a.length;
        double vb = Math.pow(sd(b), 2) / b.length;
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            return new Difference(diff, diff, diff, Double.NaN, a.length, b.length);
        }
        double df = (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
        double t = new TDistribution(df).inverseCumulativeProbability(0.975);
        double p = TestUtils.tTest(a, b);
        return new Difference(diff, diff - t * se, diff + t * se, p, a.length, b.length);
    }
}
