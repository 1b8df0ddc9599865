package org.graft.data;

/**
 * Stateless random numbers: a value is a hash of its coordinates (seed, epoch, position, stream), so any
 * draw can be recomputed without replaying the ones before it. That is what makes a resumed run see
 * exactly the crops, flips and orders of an uninterrupted one. The mixer is SplitMix64's finaliser,
 * fixed here so results never depend on the JDK's generators.
 */
public final class CounterHash {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private CounterHash() {
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static long hash(long seed, long a, long b, long stream) {
        long h = mix(seed + GOLDEN);
        h = mix(h ^ (a + 2 * GOLDEN));
        h = mix(h ^ (b + 3 * GOLDEN));
        return mix(h ^ (stream + 4 * GOLDEN));
    }

    /** A value in 0..n-1 from 64 random bits (multiply-high, bias below n/2^64). */
    public static int below(long bits, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + n);
        }
        long high = Math.multiplyHigh(bits, n) + ((bits >> 63) & n); // unsigned high word of bits·n
        return (int) high;
    }

    /** A sequential generator (SplitMix64) for Fisher–Yates shuffles seeded from a hash. */
    public static final class Sequence {
        private long state;

        public Sequence(long seed) {
            state = seed;
        }

        public long next() {
            state += GOLDEN;
            return mix(state);
        }

        public int nextBelow(int n) {
            return below(next(), n);
        }
    }
}
