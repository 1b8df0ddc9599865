package org.graft.selftest;

import java.util.Random;

/** Seeded random inputs for the checks (the same distributions the unit tests use). */
public final class RandomData {
    private RandomData() {
    }

    public static float[] uniform(Random r, int n, float lo, float hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * r.nextFloat();
        }
        return a;
    }

    public static float[] gaussian(Random r, int n, float std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * std);
        }
        return a;
    }

    /**
     * Distinct values spaced at least {@code gap} apart, in random order: inputs for max-pooling and
     * ReLU gradient checks, where a finite-difference step must not flip a comparison.
     */
    public static float[] distinct(Random r, int n, float gap) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (i - n / 2f) * gap;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** |values|, element-wise (null stays null): the inputs of an error-bound computation. */
    public static float[] abs(float[] a) {
        if (a == null) {
            return null;
        }
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Math.abs(a[i]);
        }
        return out;
    }

    /** "2x3x5" for a shape. */
    public static String shape(int... dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return sb.toString();
    }
}
