package org.graft.opencl;

/** A program built for one context's device. */
public interface ClProgram extends AutoCloseable {
    String name();

    ClKernel kernel(String kernelName);

    /** The device binary, for the on-disk program cache (may be empty if the driver gives none). */
    byte[] binary();

    @Override
    void close();
}
