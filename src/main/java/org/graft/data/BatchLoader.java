package org.graft.data;


import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.graft.engine.Shapes;
import org.graft.io.HeapBudget;
import org.graft.layers.Phase;

/**
 * Feeds a phase with batches. Batch i holds positions i·B .. i·B+B−1 of an endless sequence of epochs:
 * at TRAIN each epoch is a fresh shuffle derived from (seed, epoch) and each example's crop and flip from
 * (seed, epoch, position), so batch i is a pure function of i and {@link #seek} reproduces exactly what an
 * uninterrupted run saw at that iteration. At TEST the order is the dataset's, wrapping around, and
 * {@link #resetTest()} starts a test pass over.
 *
 * <p>With prefetch > 0 a daemon thread prepares up to that many batches ahead while the device computes;
 * its buffers come from a fixed pool (prefetch + 1 batches), so a returned {@link Batch} is valid only
 * until the next call to next(), seek(), resetTest() or close(). An exception in the worker is rethrown
 * by next() as a {@link DataException} with the original as its cause. Not thread-safe: one consumer.
 */
public final class BatchLoader implements AutoCloseable {
    public static final int DEFAULT_PREFETCH = 3;

    private final Dataset data;
    private final Transformer transformer;
    private final Phase phase;
    private final int batchSize;
    private final long seed;
    private final int prefetch;
    private final BatchOrder order;
    private final float[] scratch;
    private final BlockingQueue<Batch> free;
    private final BlockingQueue<Object> ready = new LinkedBlockingQueue<>();
    private final Batch syncBuffer;

    private long nextIndex;
    private Batch current;
    private Worker worker;
    private DataException failure;
    private boolean closed;

    public BatchLoader(Dataset data, Transformer transformer, Phase phase, int batchSize, long seed) {
        this(data, transformer, phase, batchSize, seed, DEFAULT_PREFETCH);
    }

    /**
     * @param transformer null for none (raw pixels)
     * @param prefetch batches prepared ahead on a background thread; 0 prepares each batch inside next()
     */
    public BatchLoader(Dataset data, Transformer transformer, Phase phase, int batchSize, long seed, int prefetch) {
        if (data.size() == 0) {
            throw new DataException("batch loader (" + phase + "): the dataset is empty: " + data.describe());
        }
        if (batchSize <= 0) {
            throw new DataException("batch loader (" + phase + "): batch size must be positive, got " + batchSize);
        }
        if (prefetch < 0) {
            throw new DataException("batch loader (" + phase + "): prefetch must be >= 0, got " + prefetch);
        }
        Transformer t = transformer != null ? transformer : Transformer.identity(data);
        int[] in = t.inputShape();
        if (in[0] != data.channels() || in[1] != data.height() || in[2] != data.width()) {
            throw new DataException("batch loader (" + phase + "): the transformer expects " + in[0] + "×" + in[1] + "×" + in[2]
                    + " inputs but the dataset's examples are " + data.channels() + "×" + data.height() + "×" + data.width() + ": " + data.describe());
        }
        int[] out = t.outputShape();
        int perBatch = Shapes.count(new int[] {batchSize, out[0], out[1], out[2]},
                "batch loader (" + phase + "): batch_size " + batchSize + " × " + out[0] + "×" + out[1] + "×" + out[2] + " per example");
        HeapBudget.require((prefetch + 2L) * perBatch * Float.BYTES,
                "batch loader (" + phase + "): " + (prefetch + 1) + " batches of batch_size " + batchSize);
        this.data = data;
        this.transformer = t;
        this.phase = phase;
        this.batchSize = batchSize;
        this.seed = seed;
        this.prefetch = prefetch;
        this.order = new BatchOrder(data.size(), phase == Phase.TRAIN, seed);
        this.scratch = new float[data.imageSize()];
        if (prefetch == 0) {
            free = null;
            syncBuffer = newBatch();
        } else {
            free = new ArrayBlockingQueue<>(prefetch + 1);
            for (int i = 0; i <= prefetch; i++) {
                free.add(newBatch());
            }
            syncBuffer = null;
        }
    }

    private Batch newBatch() {
        return new Batch(batchSize, transformer.outputShape());
    }

    public Phase phase() {
        return phase;
    }

    public int batchSize() {
        return batchSize;
    }

    public Dataset dataset() {
        return data;
    }

    public Transformer transformer() {
        return transformer;
    }

    /** Shape of a batch's data: N, C, H, W (after cropping). */
    public int[] dataShape() {
        int[] s = transformer.outputShape();
        return new int[] {batchSize, s[0], s[1], s[2]};
    }

    /** Index of the batch the next call to {@link #next()} returns. */
    public long position() {
        return nextIndex;
    }

    /** Epoch in which batch {@code batchIndex} starts (fractional: 1.5 = half-way through the second epoch). */
    public double epochAt(long batchIndex) {
        return (double) batchIndex * batchSize / data.size();
    }

    /** The example order of an epoch (a permutation at TRAIN, the identity at TEST); for checks and logs. */
    public int[] epochOrder(long epoch) {
        return new BatchOrder(data.size(), phase == Phase.TRAIN, seed).order(epoch).clone();
    }

    /** The next batch of the sequence (see the class comment for how long it stays valid). */
    public Batch next() {
        if (closed) {
            throw new IllegalStateException("batch loader (" + phase + ") is closed");
        }
        if (failure != null) {
            throw failure;
        }
        if (prefetch == 0) {
            try {
                fill(syncBuffer, nextIndex);
            } catch (RuntimeException | Error e) {
                failure = failed(nextIndex, e);
                throw failure;
            }
            nextIndex++;
            current = syncBuffer;
            return current;
        }
        if (current != null) {
            free.add(current);
            current = null;
        }
        if (worker == null) {
            worker = new Worker(nextIndex);
            worker.start();
        }
        Object item = takeReady();
        if (item instanceof Failure f) {
            failure = failed(f.index(), f.cause());
            stopWorker();
            throw failure;
        }
        current = (Batch) item;
        nextIndex = current.index() + 1;
        return current;
    }

    /** Positions the loader so that the next batch is batch {@code batchIndex}, as in an uninterrupted run. */
    public void seek(long batchIndex) {
        if (batchIndex < 0) {
            throw new IllegalArgumentException("batch index must be >= 0, got " + batchIndex);
        }
        stopWorker();
        if (current != null && free != null) {
            free.add(current);
        }
        current = null;
        failure = null;
        nextIndex = batchIndex;
    }

    /** Starts the test sequence over from the dataset's first example, as each Caffe test pass does. */
    public void resetTest() {
        seek(0);
    }

    @Override
    public void close() {
        if (!closed) {
            stopWorker();
            closed = true;
        }
    }

    /** The dataset index of the example at position {@code j} of batch {@code batchIndex} (for error messages). */
    public int exampleAt(long batchIndex, int j) {
        long p = batchIndex * batchSize + j;
        return order.example(p / data.size(), (int) (p % data.size()));
    }

    /** Writes batch {@code index}: a pure function of (dataset, transformer, phase, seed, batch size, index). */
    private void fill(Batch b, long index) {
        int n = data.size();
        int outSize = transformer.outputSize();
        float[] dst = b.data();
        float[] labels = b.labels();
        long first = index * batchSize;
        for (int j = 0; j < batchSize; j++) {
            long p = first + j;
            long epoch = p / n;
            int k = (int) (p % n);
            int ex = order.example(epoch, k);
            data.image(ex, scratch, 0);
            transformer.transform(scratch, 0, dst, j * outSize, phase, seed, epoch, k);
            labels[j] = data.label(ex);
        }
        b.setIndex(index);
    }

    private DataException failed(long index, Throwable cause) {
        return new DataException("batch loader (" + phase + ", " + data.describe() + "): preparing batch " + index + " failed: " + cause, cause);
    }

    private Object takeReady() {
        try {
            while (true) {
                Object item = ready.poll(200, TimeUnit.MILLISECONDS);
                if (item != null) {
                    return item;
                }
                if (!worker.isAlive() && ready.isEmpty()) {
                    throw new DataException("batch loader (" + phase + "): the prefetch thread stopped without producing batch " + nextIndex);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("batch loader (" + phase + "): interrupted while waiting for batch " + nextIndex, e);
        }
    }

    /** Stops the worker and returns every buffer it held or queued to the pool. */
    private void stopWorker() {
        if (worker == null) {
            return;
        }
        worker.stopped = true;
        worker.interrupt();
        boolean interrupted = false;
        while (worker.isAlive()) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        worker = null;
        Object item;
        while ((item = ready.poll()) != null) {
            if (item instanceof Batch b) {
                free.add(b);
            }
        }
    }

    private record Failure(long index, Throwable cause) {
    }

    /** Fills pooled buffers with consecutive batches until stopped or a batch fails. */
    private final class Worker extends Thread {
        private final long start;
        volatile boolean stopped;

        Worker(long start) {
            super("graft-batch-loader-" + phase);
            this.start = start;
            setDaemon(true);
        }

        @Override
        public void run() {
            long index = start;
            Batch b = null;
            try {
                while (!stopped) {
                    b = free.take();
                    fill(b, index);
                    ready.add(b);
                    b = null;
                    index++;
                }
            } catch (InterruptedException e) {
                // stop() interrupted a wait for a free buffer: nothing to report
            } catch (Throwable t) {
                if (!stopped) {
                    ready.add(new Failure(index, t));
                }
            } finally {
                if (b != null) {
                    free.add(b);
                }
            }
        }
    }
}
