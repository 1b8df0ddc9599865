package org.graft.testing;

import static org.assertj.core.api.Assertions.fail;

/** Element-wise comparison with |a−b| ≤ abs + rel·|b| and a message pointing at the worst element. */
public final class Compare {
    private Compare() {
    }

    public static double maxAbsDiff(float[] actual, float[] expected) {
        double m = 0;
        for (int i = 0; i < actual.length; i++) {
            m = Math.max(m, Math.abs((double) actual[i] - expected[i]));
        }
        return m;
    }

    public static void close(String what, float[] actual, float[] expected, double abs, double rel) {
        if (actual.length != expected.length) {
            fail(what + ": length " + actual.length + " != expected " + expected.length);
        }
        int bad = -1;
        double worst = 0;
        int failures = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            double allowed = abs + rel * Math.abs(expected[i]);
            if (!(d <= allowed)) { // also catches NaN
                failures++;
                if (bad < 0 || d - allowed > worst || Double.isNaN(d)) {
                    worst = d - allowed;
                    bad = i;
                }
            }
        }
        if (failures > 0) {
            fail(String.format("%s: %d of %d elements differ; worst at %d: got %.9g expected %.9g (abs tol %.3g, rel tol %.3g)",
                    what, failures, actual.length, bad, actual[bad], expected[bad], abs, rel));
        }
    }
}
