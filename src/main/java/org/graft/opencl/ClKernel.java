package org.graft.opencl;

/** One kernel of a built program. Not thread-safe: arguments are state, as in OpenCL itself. */
public interface ClKernel extends AutoCloseable {
    String name();

    ClKernel arg(int index, ClBuffer buffer);

    ClKernel arg(int index, int value);

    ClKernel arg(int index, float value);

    /** Reserves {@code bytes} of local memory for a {@code __local} pointer argument. */
    ClKernel argLocal(int index, long bytes);

    /** CL_KERNEL_WORK_GROUP_SIZE for this kernel on the context's device. */
    long maxWorkGroupSize();

    @Override
    void close();
}
