package org.graft.data;

/**
 * Which example fills each slot of the infinite sequence of epochs. TRAIN shuffles every epoch with a
 * Fisher–Yates shuffle seeded from (seed, epoch); TEST keeps the dataset order. Position p of the sequence
 * is slot p mod N of epoch p div N, so batch i (positions i·B .. i·B+B−1) depends on nothing but i.
 * Keeps the last two epochs' orders because a batch may straddle an epoch boundary. Not thread-safe.
 */
final class BatchOrder {
    private static final long STREAM_SHUFFLE = 100;

    private final int size;
    private final boolean shuffle;
    private final long seed;
    private long recentEpoch = -1;
    private int[] recent;
    private long olderEpoch = -1;
    private int[] older;

    BatchOrder(int size, boolean shuffle, long seed) {
        this.size = size;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    /** The example at slot {@code k} of {@code epoch}. */
    int example(long epoch, int k) {
        return shuffle ? order(epoch)[k] : k;
    }

    int[] order(long epoch) {
        if (epoch == recentEpoch) {
            return recent;
        }
        if (epoch == olderEpoch) {
            return older;
        }
        int[] o = shuffled(epoch);
        olderEpoch = recentEpoch;
        older = recent;
        recentEpoch = epoch;
        recent = o;
        return o;
    }

    private int[] shuffled(long epoch) {
        int[] o = new int[size];
        for (int i = 0; i < size; i++) {
            o[i] = i;
        }
        if (!shuffle) {
            return o;
        }
        CounterHash.Sequence rng = new CounterHash.Sequence(CounterHash.hash(seed, epoch, 0, STREAM_SHUFFLE));
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextBelow(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }
}
