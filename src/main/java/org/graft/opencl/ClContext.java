package org.graft.opencl;

/**
 * A context and in-order command queue on one device. All engine work for a device goes through one
 * of these. Commands are asynchronous; {@link #finish()} and the blocking reads synchronise.
 * Subclasses implement the raw calls for one binding (JOCL or LWJGL); checks live here once.
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
        ClBuffer b;
        try {
            b = allocate(bytes, label);
        } catch (ClException e) {
            throw new ClException(String.format("allocating buffer '%s' of %s on '%s' (%s already live) failed",
                    label, Sizes.human(bytes), device.name(), Sizes.human(liveBytes)), e.code());
        }
        liveBytes += bytes;
        peakBytes = Math.max(peakBytes, liveBytes);
        return new TrackedBuffer(b, this);
    }

    void released(long bytes) {
        liveBytes -= bytes;
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

    protected abstract ClBuffer allocate(long bytes, String label);

    /** Builds {@code source}; on failure throws {@link ClBuildException} with the full log. */
    public abstract ClProgram buildProgram(String name, String source, String options);

    /** Creates a program from a cached device binary; returns null if the driver rejects it. */
    public abstract ClProgram programFromBinary(String name, byte[] binary, String options);

    /** Enqueues an ND-range launch; {@code local} may be null to let the driver choose. */
    public final void launch(ClKernel kernel, long[] global, long[] local) {
        for (long g : global) {
            if (g <= 0) {
                return; // nothing to do; some drivers reject empty ranges
            }
        }
        try {
            enqueue(kernel, global, local);
        } catch (ClException e) {
            throw new ClException("launching kernel '" + kernel.name() + "' with global "
                    + java.util.Arrays.toString(global) + " local " + java.util.Arrays.toString(local)
                    + " on '" + device.name() + "' failed", e.code());
        }
    }

    protected abstract void enqueue(ClKernel kernel, long[] global, long[] local);

    public abstract void writeFloats(ClBuffer dst, long dstOffsetElems, float[] src, int srcOffset, int count);

    public abstract void readFloats(ClBuffer src, long srcOffsetElems, float[] dst, int dstOffset, int count);

    public abstract void writeInts(ClBuffer dst, long dstOffsetElems, int[] src, int srcOffset, int count);

    public abstract void readInts(ClBuffer src, long srcOffsetElems, int[] dst, int dstOffset, int count);

    public abstract void copy(ClBuffer src, long srcOffsetBytes, ClBuffer dst, long dstOffsetBytes, long bytes);

    /** Sets {@code bytes} bytes from {@code offsetBytes} to zero (clEnqueueFillBuffer, OpenCL 1.2). */
    public abstract void zero(ClBuffer buffer, long offsetBytes, long bytes);

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
    public abstract void finish();

    /** Flushes the queue without waiting. */
    public abstract void flush();

    @Override
    public abstract void close();

    /** Wraps a backend buffer so the context can track live and peak device memory. */
    private static final class TrackedBuffer implements ClBuffer, Unwrappable {
        private final ClBuffer inner;
        private final ClContext owner;
        private boolean closed;

        TrackedBuffer(ClBuffer inner, ClContext owner) {
            this.inner = inner;
            this.owner = owner;
        }

        @Override
        public long bytes() {
            return inner.bytes();
        }

        @Override
        public String label() {
            return inner.label();
        }

        @Override
        public ClBuffer unwrap() {
            if (closed) {
                throw new IllegalStateException("buffer '" + label() + "' used after release");
            }
            return inner;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                inner.close();
                owner.released(inner.bytes());
            }
        }

        @Override
        public String toString() {
            return "ClBuffer[" + label() + ", " + bytes() + " B]";
        }
    }

    /** Lets backends reach their own buffer type through the tracking wrapper. */
    public interface Unwrappable {
        ClBuffer unwrap();
    }

    @SuppressWarnings("unchecked")
    protected static <T extends ClBuffer> T raw(ClBuffer b, Class<T> type) {
        if (b == null) {
            // A NullPointerException here would name a JVM-internal variable; say what happened instead.
            throw new IllegalStateException("an OpenCL operation was given no buffer (one that was never allocated or already"
                    + " released); this is a bug in Graft: please report it with the output of GRAFT_DEBUG=1");
        }
        ClBuffer r = b instanceof Unwrappable u ? u.unwrap() : b;
        if (!type.isInstance(r)) {
            throw new IllegalArgumentException("buffer '" + b.label() + "' belongs to another OpenCL backend");
        }
        return (T) r;
    }
}
