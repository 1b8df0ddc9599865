package org.graft.kernels;

import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Device reduction of two equally long arrays to their two sums ({@code kernels/pair_sum.cl}), e.g.
 * per-sample losses and per-sample "counted" flags of a loss or accuracy layer. The input holds the
 * arrays back to back, a in [0, n) and b in [n, 2n); each pass shrinks n by a factor of about
 * {@link #FAN_IN}, ping-ponging between the input and a scratch buffer, so no host round trip is needed.
 */
public final class PairSum {
    /** Elements each work-item adds per pass: few passes, yet enough work-items to fill a device. */
    public static final int FAN_IN = 256;

    private PairSum() {
    }

    /** Floats the scratch buffer must hold for inputs of {@code n} pairs. */
    public static long scratchFloats(int n) {
        return 2L * Math.max(1, ceilDiv(n, FAN_IN));
    }

    /**
     * Reduces; {@code values} is overwritten. Returns the buffer ({@code values} or {@code scratch})
     * that holds Σa at index 0 and Σb at index 1.
     */
    public static ClBuffer sum(Engine e, ClBuffer values, int n, ClBuffer scratch) {
        if (n < 1) {
            throw new IllegalArgumentException("pair sum of " + n + " elements: need at least one");
        }
        ClKernel k = e.kernel("pair_sum.cl", "pair_sum");
        ClBuffer from = values;
        ClBuffer to = scratch;
        while (n > 1) {
            int groups = ceilDiv(n, FAN_IN);
            k.arg(0, from).arg(1, n).arg(2, to).arg(3, groups);
            e.run1d(k, groups);
            n = groups;
            ClBuffer t = from;
            from = to;
            to = t;
        }
        return from;
    }

    /**
     * The two buffers a layer needs for per-sample pairs and their reduction, grown when a reshape
     * needs more and released by {@link #close}.
     */
    public static final class Workspace implements AutoCloseable {
        private final String label;
        private ClBuffer pairs;
        private ClBuffer scratch;
        private long pairFloats;
        private long scratchFloats;

        public Workspace(String label) {
            this.label = label;
        }

        /** Makes room for {@code n} pairs (allocating only when more is needed than held). */
        public void ensure(Engine e, int n) {
            if (2L * n > pairFloats) {
                release(pairs);
                pairs = null;
                pairs = e.alloc(2L * n, label + ".perSample");
                pairFloats = 2L * n;
            }
            if (scratchFloats(n) > scratchFloats) {
                release(scratch);
                scratch = null;
                scratch = e.alloc(scratchFloats(n), label + ".reduce");
                scratchFloats = scratchFloats(n);
            }
        }

        /** The 2n-float input: a in [0, n), b in [n, 2n). */
        public ClBuffer pairs() {
            return pairs;
        }

        /** Reduces the first {@code n} pairs; see {@link PairSum#sum}. */
        public ClBuffer sum(Engine e, int n) {
            return PairSum.sum(e, pairs, n, scratch);
        }

        @Override
        public void close() {
            release(pairs);
            release(scratch);
            pairs = scratch = null;
            pairFloats = scratchFloats = 0;
        }

        private static void release(ClBuffer b) {
            if (b != null) {
                b.close();
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
