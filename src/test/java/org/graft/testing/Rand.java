package org.graft.testing;

import java.util.Random;

/** Seeded random test data. */
public final class Rand {
    private Rand() {
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
}
