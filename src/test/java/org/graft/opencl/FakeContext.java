package org.graft.opencl;

/**
 * A ClContext whose raw calls fail with a chosen OpenCL error code (or succeed without a device), to
 * check the messages ClContext builds around driver failures such as CL_OUT_OF_RESOURCES.
 */
final class FakeContext extends ClContext {
    int allocateError;
    int enqueueError;
    int enqueued;
    /** The global sizes of the last launch, as the binding received them. */
    long[] lastGlobal;
    /** The local size of the last launch (null: the driver's choice). */
    long[] lastLocal;

    FakeContext(DeviceInfo device) {
        super(device);
    }

    /** A kernel of this context that only has a name. */
    ClKernel kernel(String name) {
        return buildProgram("fake.cl", "", "").kernel(name);
    }

    @Override
    public String backendName() {
        return "fake";
    }

    @Override
    protected Object createBuffer(long bytes) {
        if (allocateError != 0) {
            throw new ClException("clCreateBuffer", allocateError);
        }
        return new Object();
    }

    @Override
    protected void enqueueKernel(Object kernel, long[] global, long[] local) {
        if (enqueueError != 0) {
            throw new ClException("clEnqueueNDRangeKernel", enqueueError);
        }
        lastGlobal = global.clone();
        lastLocal = local == null ? null : local.clone();
        enqueued++;
    }

    @Override
    protected void releaseBuffer(Object mem) {
    }

    @Override
    protected Object createProgramWithSource(String source) {
        return source;
    }

    @Override
    protected Object createProgramWithBinary(byte[] binary) {
        throw new ClException("clCreateProgramWithBinary", -42);
    }

    @Override
    protected void buildProgram(Object program, String options) {
    }

    @Override
    protected String buildLog(Object program) {
        return "";
    }

    @Override
    protected byte[] programBinary(Object program) {
        return new byte[0];
    }

    @Override
    protected void releaseProgram(Object program) {
    }

    @Override
    protected Object createKernel(Object program, String kernelName) {
        return kernelName;
    }

    @Override
    protected void setBufferArg(Object kernel, int index, Object mem) {
    }

    @Override
    protected void setIntArg(Object kernel, int index, int value) {
    }

    @Override
    protected void setFloatArg(Object kernel, int index, float value) {
    }

    @Override
    protected void setLocalArg(Object kernel, int index, long bytes) {
    }

    @Override
    protected long kernelWorkGroupSize(Object kernel) {
        return device.maxWorkGroupSize();
    }

    @Override
    protected void releaseKernel(Object kernel) {
    }

    @Override
    protected void enqueueWrite(Object mem, long offsetBytes, Object host, int hostOffset, int count) {
    }

    @Override
    protected void enqueueRead(Object mem, long offsetBytes, Object host, int hostOffset, int count) {
    }

    @Override
    protected void enqueueCopy(Object src, long srcOffsetBytes, Object dst, long dstOffsetBytes, long bytes) {
    }

    @Override
    protected void enqueueZero(Object mem, long offsetBytes, long bytes) {
    }

    @Override
    protected void finishQueue() {
    }

    @Override
    protected void flushQueue() {
    }

    @Override
    protected void releaseQueueAndContext() {
    }
}
