package org.graft.opencl;

/** A device memory object. Released explicitly with {@link #close()}; the owner is responsible. */
public interface ClBuffer extends AutoCloseable {
    long bytes();

    /** Debug label used in error messages (e.g. "conv1.weights"). */
    String label();

    @Override
    void close();
}
