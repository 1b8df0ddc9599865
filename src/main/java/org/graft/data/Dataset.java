package org.graft.data;

/**
 * A labelled image set held as raw pixels. Every example has the same shape C×H×W; pixel values are the
 * stored 8-bit values (0..255) as floats. Mean subtraction, scaling, cropping and mirroring are the
 * {@link Transformer}'s job. Labels are 0..numClasses()-1.
 *
 * <p>Implementations are read-only after construction, so one loader thread may read while another
 * thread holds the dataset.
 */
public interface Dataset {
    int size();

    int channels();

    int height();

    int width();

    /** Labels lie in 0..numClasses()-1. */
    int numClasses();

    int label(int i);

    /** Writes example i as C×H×W floats (raw 0..255 values) into dst starting at offset. */
    void image(int i, float[] dst, int offset);

    /** One line for logs: what was loaded, from where, how many examples of which shape. */
    String describe();

    default int imageSize() {
        return channels() * height() * width();
    }

    default void checkIndex(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("example " + i + " outside 0.." + (size() - 1) + " of " + describe());
        }
    }
}
