package org.graft.opencl;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A context and in-order command queue on one device. All engine work for a device goes through one
 * of these. Commands are asynchronous; {@link #finish()} and the blocking reads synchronise.
 *
 * <p>Everything both bindings share is here once: argument checks, device limits, memory bookkeeping,
 * the buffer/program/kernel objects and the messages that say what Graft was doing when a call failed.
 * A binding (JOCL, LWJGL) implements only the raw calls below, on its own handle types (passed around
 * as {@code Object}); a raw call reports failure by throwing, and {@link #statusOf} reads the OpenCL
 * status code out of what it threw.
 */
public abstract class ClContext implements AutoCloseable {
    protected final DeviceInfo device;
    private long liveBytes;
    private long peakBytes;

    protected ClContext(DeviceInfo device) {
        this.device = device;
    }

    public DeviceInfo device() {
        return device;
    }

    public abstract String backendName();

    /** Allocates an uninitialised buffer; refuses sizes the device cannot hold with both sizes named. */
    public final ClBuffer createBuffer(long bytes, String label) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("buffer '" + label + "' must have a positive size, got " + bytes + " bytes");
        }
        if (bytes > device.maxAllocBytes()) {
            throw new ClException(String.format(
                    "buffer '%s' needs %s but the device '%s' allows at most %s in one allocation (CL_DEVICE_MAX_MEM_ALLOC_SIZE)",
                    label, Sizes.human(bytes), device.name(), Sizes.human(device.maxAllocBytes())), -61);
        }
        if (liveBytes + bytes > device.globalMemBytes()) {
            // Drivers allocate lazily and would fail later, mid-iteration, with a bare error code.
            throw new ClException(String.format(
                    "out of device memory: buffer '%s' needs %s, but %s of the %s on '%s' (CL_DEVICE_GLOBAL_MEM_SIZE) are "
                            + "already in use, so at least %s are needed in all; use a smaller batch_size or a device with more memory",
                    label, Sizes.human(bytes), Sizes.human(liveBytes), Sizes.human(device.globalMemBytes()), device.name(),
                    Sizes.human(liveBytes + bytes)), -4);
        }
        Object mem = call(() -> String.format("allocating buffer '%s' of %s on '%s' (%s already live) failed",
                label, Sizes.human(bytes), device.name(), Sizes.human(liveBytes)), () -> createBuffer(bytes));
        liveBytes += bytes;
        peakBytes = Math.max(peakBytes, liveBytes);
        return new Buffer(this, mem, bytes, label);
    }

    public long liveBytes() {
        return liveBytes;
    }

    public long peakBytes() {
        return peakBytes;
    }

    public void resetPeak() {
        peakBytes = liveBytes;
    }

    /** Builds {@code source}; on failure throws {@link ClBuildException} with the full log. */
    public final ClProgram buildProgram(String name, String source, String options) {
        Object program = call(() -> "creating program '" + name + "'", () -> createProgramWithSource(source));
        return build(name, program, options);
    }

    /** Creates a program from a cached device binary; returns null if the driver rejects it. */
    public final ClProgram programFromBinary(String name, byte[] binary, String options) {
        Object program;
        try {
            program = createProgramWithBinary(binary);
        } catch (RuntimeException e) {
            statusOf(e); // rethrows what is not an OpenCL failure
            return null;
        }
        try {
            return build(name, program, options);
        } catch (ClBuildException e) {
            return null;
        }
    }

    private ClProgram build(String name, Object program, String options) {
        try {
            buildProgram(program, options == null ? "" : options);
        } catch (RuntimeException e) {
            int status = statusOf(e);
            String log = buildLog(program);
            releaseProgram(program);
            throw new ClBuildException(name, device.name(), log, status);
        }
        return new Program(this, name, program);
    }

    /** Enqueues an ND-range launch; {@code local} may be null to let the driver choose. */
    public final void launch(ClKernel kernel, long[] global, long[] local) {
        for (long g : global) {
            if (g <= 0) {
                return; // nothing to do; some drivers reject empty ranges
            }
        }
        long[] rounded = global;
        if (local != null) {
            // OpenCL 1.x needs the global size to be a multiple of the local size; kernels guard the excess.
            rounded = new long[global.length];
            for (int i = 0; i < global.length; i++) {
                rounded[i] = (global[i] + local[i] - 1) / local[i] * local[i];
            }
        }
        long[] g = rounded;
        run(() -> "launching kernel '" + kernel.name() + "' with global " + Arrays.toString(global) + " local "
                + Arrays.toString(local) + " on '" + device.name() + "' failed", () -> enqueueKernel(handle(kernel), g, local));
    }

    public final void writeFloats(ClBuffer dst, long dstOffsetElems, float[] src, int srcOffset, int count) {
        write(dst, dstOffsetElems, src, srcOffset, count, "floats");
    }

    public final void readFloats(ClBuffer src, long srcOffsetElems, float[] dst, int dstOffset, int count) {
        read(src, srcOffsetElems, dst, dstOffset, count, "floats");
    }

    public final void writeInts(ClBuffer dst, long dstOffsetElems, int[] src, int srcOffset, int count) {
        write(dst, dstOffsetElems, src, srcOffset, count, "ints");
    }

    public final void readInts(ClBuffer src, long srcOffsetElems, int[] dst, int dstOffset, int count) {
        read(src, srcOffsetElems, dst, dstOffset, count, "ints");
    }

    private void write(ClBuffer dst, long offsetElems, Object host, int hostOffset, int count, String what) {
        if (count > 0) {
            Object mem = mem(dst);
            run(() -> "writing " + count + " " + what + " to '" + dst.label() + "'",
                    () -> enqueueWrite(mem, offsetElems * 4, host, hostOffset, count));
        }
    }

    private void read(ClBuffer src, long offsetElems, Object host, int hostOffset, int count, String what) {
        if (count > 0) {
            Object mem = mem(src);
            run(() -> "reading " + count + " " + what + " from '" + src.label() + "'",
                    () -> enqueueRead(mem, offsetElems * 4, host, hostOffset, count));
        }
    }

    public final void copy(ClBuffer src, long srcOffsetBytes, ClBuffer dst, long dstOffsetBytes, long bytes) {
        if (bytes > 0) {
            Object from = mem(src);
            Object to = mem(dst);
            run(() -> "copying " + bytes + " bytes from '" + src.label() + "' to '" + dst.label() + "'",
                    () -> enqueueCopy(from, srcOffsetBytes, to, dstOffsetBytes, bytes));
        }
    }

    /** Sets {@code bytes} bytes from {@code offsetBytes} to zero (clEnqueueFillBuffer, OpenCL 1.2). */
    public final void zero(ClBuffer buffer, long offsetBytes, long bytes) {
        if (bytes > 0) {
            Object mem = mem(buffer);
            run(() -> "zeroing '" + buffer.label() + "'", () -> enqueueZero(mem, offsetBytes, bytes));
        }
    }

    public final void writeFloats(ClBuffer dst, float[] src) {
        writeFloats(dst, 0, src, 0, src.length);
    }

    public final float[] readFloats(ClBuffer src, int count) {
        float[] out = new float[count];
        readFloats(src, 0, out, 0, count);
        return out;
    }

    public final void zero(ClBuffer buffer) {
        zero(buffer, 0, buffer.bytes());
    }

    /** Blocks until every enqueued command has finished. */
    public final void finish() {
        run(() -> "clFinish on '" + device.name() + "' (a previously launched kernel failed)", this::finishQueue);
    }

    /** Flushes the queue without waiting. */
    public final void flush() {
        run(() -> "clFlush on '" + device.name() + "'", this::flushQueue);
    }

    @Override
    public final void close() {
        releaseQueueAndContext();
    }

    /** Runs one raw call; a failure becomes a ClException that says what was being done. */
    private <T> T call(Supplier<String> doing, Supplier<T> rawCall) {
        try {
            return rawCall.get();
        } catch (RuntimeException e) {
            throw new ClException(doing.get(), statusOf(e));
        }
    }

    private void run(Supplier<String> doing, Runnable rawCall) {
        call(doing, () -> {
            rawCall.run();
            return null;
        });
    }

    // ---- The raw calls of a binding. Each throws on failure; nothing here checks arguments or names things. ----

    /**
     * The OpenCL status code carried by {@code e}, thrown by one of this binding's raw calls; anything that is
     * not an OpenCL failure is rethrown. This default reads {@link ClException}s.
     */
    protected int statusOf(RuntimeException e) {
        if (e instanceof ClException c) {
            return c.code();
        }
        throw e;
    }

    protected abstract Object createBuffer(long bytes);

    protected abstract void releaseBuffer(Object mem);

    protected abstract Object createProgramWithSource(String source);

    protected abstract Object createProgramWithBinary(byte[] binary);

    protected abstract void buildProgram(Object program, String options);

    /** The driver's build log, or a note saying why there is none (never throws). */
    protected abstract String buildLog(Object program);

    /** The program's device binary; empty if the driver gives none (never throws). */
    protected abstract byte[] programBinary(Object program);

    protected abstract void releaseProgram(Object program);

    protected abstract Object createKernel(Object program, String kernelName);

    protected abstract void setBufferArg(Object kernel, int index, Object mem);

    protected abstract void setIntArg(Object kernel, int index, int value);

    protected abstract void setFloatArg(Object kernel, int index, float value);

    protected abstract void setLocalArg(Object kernel, int index, long bytes);

    /** CL_KERNEL_WORK_GROUP_SIZE of the kernel on this context's device. */
    protected abstract long kernelWorkGroupSize(Object kernel);

    protected abstract void releaseKernel(Object kernel);

    /** {@code global} is already a multiple of {@code local} (which may be null). */
    protected abstract void enqueueKernel(Object kernel, long[] global, long[] local);

    /** A blocking write of {@code count} elements of {@code host} (a float[] or an int[]) from {@code hostOffset}. */
    protected abstract void enqueueWrite(Object mem, long offsetBytes, Object host, int hostOffset, int count);

    /** A blocking read of {@code count} elements into {@code host} (a float[] or an int[]) from {@code hostOffset}. */
    protected abstract void enqueueRead(Object mem, long offsetBytes, Object host, int hostOffset, int count);

    protected abstract void enqueueCopy(Object src, long srcOffsetBytes, Object dst, long dstOffsetBytes, long bytes);

    protected abstract void enqueueZero(Object mem, long offsetBytes, long bytes);

    protected abstract void finishQueue();

    protected abstract void flushQueue();

    protected abstract void releaseQueueAndContext();

    // ---- The objects handed out: the same for every binding, holding the binding's handles. ----

    /** The binding's handle of a buffer this context created; refuses released buffers and other contexts' buffers. */
    private Object mem(ClBuffer b) {
        if (b == null) {
            // A NullPointerException here would name a JVM-internal variable; say what happened instead.
            throw new IllegalStateException("an OpenCL operation was given no buffer (one that was never allocated or already"
                    + " released); this is a bug in Graft: please report it with the output of GRAFT_DEBUG=1");
        }
        if (!(b instanceof Buffer buf) || buf.owner.getClass() != getClass()) {
            throw new IllegalArgumentException("buffer '" + b.label() + "' belongs to another OpenCL backend");
        }
        if (buf.closed) {
            throw new IllegalStateException("buffer '" + b.label() + "' used after release");
        }
        return buf.mem;
    }

    private Object handle(ClKernel k) {
        if (!(k instanceof Kernel kernel) || kernel.owner != this) {
            throw new IllegalArgumentException("kernel '" + k.name() + "' was not made by this context");
        }
        return kernel.handle;
    }

    private static final class Buffer implements ClBuffer {
        final ClContext owner;
        final Object mem;
        final long bytes;
        final String label;
        boolean closed;

        Buffer(ClContext owner, Object mem, long bytes, String label) {
            this.owner = owner;
            this.mem = mem;
            this.bytes = bytes;
            this.label = label;
        }

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
            if (!closed) {
                closed = true;
                owner.releaseBuffer(mem);
                owner.liveBytes -= bytes;
            }
        }

        @Override
        public String toString() {
            return "ClBuffer[" + label + ", " + bytes + " B]";
        }
    }

    private record Program(ClContext owner, String name, Object handle) implements ClProgram {
        @Override
        public ClKernel kernel(String kernelName) {
            Object k = owner.call(() -> "no kernel '" + kernelName + "' in program '" + name + "'",
                    () -> owner.createKernel(handle, kernelName));
            return new Kernel(owner, kernelName, k);
        }

        @Override
        public byte[] binary() {
            return owner.programBinary(handle);
        }

        @Override
        public void close() {
            owner.releaseProgram(handle);
        }
    }

    private record Kernel(ClContext owner, String name, Object handle) implements ClKernel {
        @Override
        public ClKernel arg(int index, ClBuffer buffer) {
            Object mem = owner.mem(buffer);
            owner.run(() -> settingArgument(index, ""), () -> owner.setBufferArg(handle, index, mem));
            return this;
        }

        @Override
        public ClKernel arg(int index, int value) {
            owner.run(() -> settingArgument(index, ""), () -> owner.setIntArg(handle, index, value));
            return this;
        }

        @Override
        public ClKernel arg(int index, float value) {
            owner.run(() -> settingArgument(index, ""), () -> owner.setFloatArg(handle, index, value));
            return this;
        }

        @Override
        public ClKernel argLocal(int index, long bytes) {
            owner.run(() -> settingArgument(index, "local "), () -> owner.setLocalArg(handle, index, bytes));
            return this;
        }

        private String settingArgument(int index, String kind) {
            return "setting " + kind + "argument " + index + " of kernel '" + name + "'";
        }

        @Override
        public long maxWorkGroupSize() {
            return owner.call(() -> "querying CL_KERNEL_WORK_GROUP_SIZE of kernel '" + name + "'",
                    () -> owner.kernelWorkGroupSize(handle));
        }

        @Override
        public void close() {
            owner.releaseKernel(handle);
        }

        @Override
        public String toString() {
            return "ClKernel[" + name + "]";
        }
    }
}
