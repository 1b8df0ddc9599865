package org.graft.selftest;

import java.util.ArrayList;
import java.util.List;

/**
 * The errors of every comparison made for one kernel or layer: shapes tried, the largest absolute and
 * relative errors, the worst error as a fraction of what its tolerance allowed, and the first
 * failures in words (which comparison, which shape, which element, got and expected values).
 *
 * <p>An element passes when |got − expected| ≤ abs + rel·|expected| (NaN never passes). The relative
 * error reported is |got − expected| / |expected| over the elements whose reference magnitude is at
 * least 1% of the array's largest, so that values that cancel to nearly zero do not swamp it.
 */
public final class Tally {
    /** Failures kept in words per tally; more are only counted. */
    static final int MAX_FAILURE_MESSAGES = 5;

    private int shapes;
    private String shape = "";
    private int comparisons;
    private double maxAbs;
    private double maxRel;
    private double worstFraction;
    private int failureCount;
    private final List<String> failures = new ArrayList<>();

    /** Starts the checks of one more shape; {@code description} names it in failure messages. */
    public void shape(String description) {
        shapes++;
        shape = description;
    }

    /**
     * Runs the checks of one shape; if they throw (a driver error, a kernel that does not build), the
     * exception is recorded as this shape's failure and the caller goes on with the next shape.
     */
    public void run(String description, Runnable checks) {
        shape(description);
        try {
            checks.run();
        } catch (RuntimeException e) {
            crashed(e);
        }
    }

    public int shapes() {
        return shapes;
    }

    public int comparisons() {
        return comparisons;
    }

    public double maxAbsError() {
        return maxAbs;
    }

    public double maxRelError() {
        return maxRel;
    }

    /** The largest error/allowed ratio seen (≤ 1 when everything passed; ∞ for an error against a zero tolerance). */
    public double worstFraction() {
        return worstFraction;
    }

    public boolean passed() {
        return failureCount == 0;
    }

    public int failureCount() {
        return failureCount;
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    /**
     * One comparison on its own, for callers that stop at the first failure (unit tests): throws an
     * {@link AssertionError} with {@link #compare}'s failure message when an element is out of tolerance.
     */
    public static void requireClose(String what, float[] actual, float[] expected, double abs, double rel) {
        Tally t = new Tally();
        t.compare(what, actual, expected, abs, rel);
        if (!t.passed()) {
            throw new AssertionError(t.failures().get(0));
        }
    }

    /** Element-wise |actual − expected| ≤ abs + rel·|expected|. */
    public void compare(String what, float[] actual, float[] expected, double abs, double rel) {
        comparisons++;
        if (actual.length != expected.length) {
            fail(what + ": " + actual.length + " values, expected " + expected.length);
            return;
        }
        double refMax = 0;
        for (float v : expected) {
            refMax = Math.max(refMax, Math.abs(v));
        }
        int bad = -1;
        double badExcess = 0;
        int failing = 0;
        for (int i = 0; i < actual.length; i++) {
            double ref = expected[i];
            double d = Math.abs((double) actual[i] - ref);
            double allowed = abs + rel * Math.abs(ref);
            if (!(d <= allowed)) { // also catches NaN
                failing++;
                double excess = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d - allowed;
                if (bad < 0 || excess > badExcess) {
                    bad = i;
                    badExcess = excess;
                }
            }
            if (Double.isNaN(d)) {
                maxAbs = Double.NaN;
                maxRel = Double.NaN;
                worstFraction = Double.POSITIVE_INFINITY;
                continue;
            }
            maxAbs = nanMax(maxAbs, d);
            if (ref != 0 && Math.abs(ref) >= 0.01 * refMax) {
                maxRel = nanMax(maxRel, d / Math.abs(ref));
            }
            if (d > 0) {
                worstFraction = Math.max(worstFraction, allowed > 0 ? d / allowed : Double.POSITIVE_INFINITY);
            }
        }
        if (failing > 0) {
            fail(String.format("%s: %d of %d values differ; worst at %d: got %.9g expected %.9g (abs tol %.3g, rel tol %.3g)",
                    what, failing, actual.length, bad, actual[bad], expected[bad], abs, rel));
        }
    }

    /** Bit-for-bit equality (for kernels specified to do exactly the reference's float operations). */
    public void identical(String what, float[] actual, float[] expected) {
        comparisons++;
        if (actual.length != expected.length) {
            fail(what + ": " + actual.length + " values, expected " + expected.length);
            return;
        }
        int failing = 0;
        int first = -1;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                failing++;
                first = first < 0 ? i : first;
                worstFraction = Double.POSITIVE_INFINITY;
            }
            maxAbs = Double.isNaN(d) ? Double.NaN : nanMax(maxAbs, d);
            if (expected[i] != 0 && !Double.isNaN(d)) {
                maxRel = nanMax(maxRel, d / Math.abs(expected[i]));
            }
        }
        if (failing > 0) {
            fail(String.format("%s: %d of %d values are not bit-identical; first at %d: got %.9g (0x%08x) expected %.9g (0x%08x)",
                    what, failing, actual.length, first, actual[first], Float.floatToRawIntBits(actual[first]),
                    expected[first], Float.floatToRawIntBits(expected[first])));
        }
    }

    /** Records a finite-difference gradient check; its errors are the check's absolute and scaled errors. */
    public void gradient(GradientCheck.Result r) {
        comparisons++;
        maxAbs = nanMax(maxAbs, r.maxAbsError());
        maxRel = nanMax(maxRel, r.maxScaledError());
        if (r.worst() != null) {
            double f = r.maxScaledError() / r.threshold();
            worstFraction = Double.isNaN(f) ? Double.POSITIVE_INFINITY : Math.max(worstFraction, f);
        }
        if (!r.passed()) {
            fail(r.describe());
        }
    }

    /** A yes/no property (a shape, a flag); fails with {@code detail} when false. */
    public void require(boolean ok, String detail) {
        comparisons++;
        if (!ok) {
            fail(detail);
        }
    }

    /** A check that could not run: the driver threw (build failure, out of resources, ...). */
    public void crashed(Throwable t) {
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
        fail("threw " + msg);
    }

    private void fail(String message) {
        failureCount++;
        if (failures.size() < MAX_FAILURE_MESSAGES) {
            failures.add((shape.isEmpty() ? "" : "[" + shape + "] ") + message);
        }
    }

    /** max that lets NaN win: an error that is NaN must show as NaN, not disappear. */
    private static double nanMax(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
    }
}
