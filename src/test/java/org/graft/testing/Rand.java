package org.graft.testing;

import java.util.Random;
import org.graft.selftest.RandomData;

/** Seeded random test data: the same generators the selftest uses ({@link RandomData}). */
public final class Rand {
    private Rand() {
    }

    public static float[] uniform(Random r, int n, float lo, float hi) {
        return RandomData.uniform(r, n, lo, hi);
    }

    public static float[] gaussian(Random r, int n, float std) {
        return RandomData.gaussian(r, n, std);
    }

    /** Distinct values at least {@code gap} apart in random order (kink-free inputs for max and ReLU). */
    public static float[] distinct(Random r, int n, float gap) {
        return RandomData.distinct(r, n, gap);
    }
}
