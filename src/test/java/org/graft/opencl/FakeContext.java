package org.graft.opencl;

/**
 * A ClContext whose raw calls fail with a chosen OpenCL error code (or succeed without a device), to
 * check the messages ClContext builds around driver failures such as CL_OUT_OF_RESOURCES.
 */
final class FakeContext extends ClContext {
    int allocateError;
    int enqueueError;
    int enqueued;

    FakeContext(DeviceInfo device) {
        super(device);
    }

    @Override
    public String backendName() {
        return "fake";
    }

    @Override
    protected ClBuffer allocate(long bytes, String label) {
        if (allocateError != 0) {
            throw new ClException("clCreateBuffer", allocateError);
        }
        return new ClBuffer() {
            @Override
            public long bytes() {
                return bytes;
            }

            @Override
            public String label() {
                return label;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    protected void enqueue(ClKernel kernel, long[] global, long[] local) {
        if (enqueueError != 0) {
            throw new ClException("clEnqueueNDRangeKernel", enqueueError);
        }
        enqueued++;
    }

    @Override
    public ClProgram buildProgram(String name, String source, String options) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ClProgram programFromBinary(String name, byte[] binary, String options) {
        return null;
    }

    @Override
    public void writeFloats(ClBuffer dst, long dstOffsetElems, float[] src, int srcOffset, int count) {
    }

    @Override
    public void readFloats(ClBuffer src, long srcOffsetElems, float[] dst, int dstOffset, int count) {
    }

    @Override
    public void writeInts(ClBuffer dst, long dstOffsetElems, int[] src, int srcOffset, int count) {
    }

    @Override
    public void readInts(ClBuffer src, long srcOffsetElems, int[] dst, int dstOffset, int count) {
    }

    @Override
    public void copy(ClBuffer src, long srcOffsetBytes, ClBuffer dst, long dstOffsetBytes, long bytes) {
    }

    @Override
    public void zero(ClBuffer buffer, long offsetBytes, long bytes) {
    }

    @Override
    public void finish() {
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
