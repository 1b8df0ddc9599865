package org.graft.data;

/**
 * One batch as the net's input blobs want it: data N×C×H×W (after the transform) and labels N (as
 * floats, like Caffe's label blob). A batch handed out by {@link BatchLoader#next()} is a pooled buffer,
 * valid until the next call to next(), seek(), resetTest() or close().
 */
public final class Batch {
    private final float[] data;
    private final float[] labels;
    private final int[] shape;
    private long index;

    Batch(int size, int[] exampleShape) {
        shape = new int[] {size, exampleShape[0], exampleShape[1], exampleShape[2]};
        data = new float[size * exampleShape[0] * exampleShape[1] * exampleShape[2]];
        labels = new float[size];
    }

    /** Which batch of the phase's sequence this is (the iteration for TRAIN). */
    public long index() {
        return index;
    }

    void setIndex(long index) {
        this.index = index;
    }

    public float[] data() {
        return data;
    }

    public float[] labels() {
        return labels;
    }

    /** N, C, H, W. */
    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return shape[0];
    }

    /** An independent copy that outlives the loader's buffer reuse. */
    public Batch copy() {
        Batch b = new Batch(shape[0], new int[] {shape[1], shape[2], shape[3]});
        System.arraycopy(data, 0, b.data, 0, data.length);
        System.arraycopy(labels, 0, b.labels, 0, labels.length);
        b.index = index;
        return b;
    }
}
