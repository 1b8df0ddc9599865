package org.graft.opencl.lwjgl;

import static org.graft.opencl.lwjgl.LwjglBackend.check;
import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.system.MemoryStack.stackPush;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClBuildException;
import org.graft.opencl.ClContext;
import org.graft.opencl.ClException;
import org.graft.opencl.ClKernel;
import org.graft.opencl.ClProgram;
import org.graft.opencl.DeviceInfo;
import org.lwjgl.PointerBuffer;
import org.lwjgl.opencl.CL12;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

/** {@link ClContext} over LWJGL's OpenCL bindings; every return code is checked. */
final class LwjglContext extends ClContext {
    private final long deviceId;
    private final long context;
    private final long queue;

    LwjglContext(DeviceInfo info, long platform, long deviceId) {
        super(info);
        this.deviceId = deviceId;
        try (MemoryStack stack = stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            PointerBuffer props = stack.mallocPointer(3).put(CL_CONTEXT_PLATFORM).put(platform).put(0).flip();
            context = clCreateContext(props, deviceId, null, 0, err);
            check(err.get(0), "creating an OpenCL context on '" + info.name() + "'");
            queue = clCreateCommandQueue(context, deviceId, 0, err);
            check(err.get(0), "creating a command queue on '" + info.name() + "'");
        }
    }

    @Override
    public String backendName() {
        return "lwjgl";
    }

    @Override
    protected ClBuffer allocate(long bytes, String label) {
        try (MemoryStack stack = stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long mem = clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, err);
            check(err.get(0), "clCreateBuffer");
            return new LwjglBuffer(mem, bytes, label);
        }
    }

    private static long mem(ClBuffer b) {
        return raw(b, LwjglBuffer.class).mem;
    }

    @Override
    public ClProgram buildProgram(String name, String source, String options) {
        long program;
        try (MemoryStack stack = stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            program = clCreateProgramWithSource(context, source, err);
            check(err.get(0), "creating program '" + name + "'");
        }
        return build(name, program, options);
    }

    private ClProgram build(String name, long program, String options) {
        int err = clBuildProgram(program, deviceId, options == null ? "" : options, null, 0);
        if (err != CL_SUCCESS) {
            String log = buildLog(program);
            clReleaseProgram(program);
            throw new ClBuildException(name, device.name(), log, err);
        }
        return new LwjglProgram(name, program, deviceId);
    }

    private String buildLog(long program) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            if (clGetProgramBuildInfo(program, deviceId, CL_PROGRAM_BUILD_LOG, (ByteBuffer) null, size) != CL_SUCCESS) {
                return "(no build log)";
            }
            ByteBuffer buf = MemoryUtil.memAlloc((int) size.get(0));
            try {
                clGetProgramBuildInfo(program, deviceId, CL_PROGRAM_BUILD_LOG, buf, null);
                return LwjglBackend.cString(buf);
            } finally {
                MemoryUtil.memFree(buf);
            }
        }
    }

    @Override
    public ClProgram programFromBinary(String name, byte[] binary, String options) {
        ByteBuffer bin = MemoryUtil.memAlloc(binary.length);
        try (MemoryStack stack = stackPush()) {
            bin.put(binary).flip();
            IntBuffer err = stack.mallocInt(1);
            IntBuffer status = stack.mallocInt(1);
            PointerBuffer devs = stack.mallocPointer(1).put(deviceId).flip();
            long program = clCreateProgramWithBinary(context, devs, bin, status, err);
            if (err.get(0) != CL_SUCCESS || status.get(0) != CL_SUCCESS) {
                return null;
            }
            try {
                return build(name, program, options);
            } catch (ClBuildException e) {
                return null;
            }
        } finally {
            MemoryUtil.memFree(bin);
        }
    }

    @Override
    protected void enqueue(ClKernel kernel, long[] global, long[] local) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer g = stack.mallocPointer(global.length);
            PointerBuffer l = local == null ? null : stack.mallocPointer(local.length);
            for (int i = 0; i < global.length; i++) {
                long gi = global[i];
                if (local != null) {
                    gi = (gi + local[i] - 1) / local[i] * local[i];
                    l.put(i, local[i]);
                }
                g.put(i, gi);
            }
            check(clEnqueueNDRangeKernel(queue, ((LwjglKernel) kernel).kernel, global.length, null, g, l, null, null),
                    "clEnqueueNDRangeKernel");
        }
    }

    @Override
    public void writeFloats(ClBuffer dst, long off, float[] src, int srcOff, int count) {
        if (count == 0) {
            return;
        }
        FloatBuffer fb = MemoryUtil.memAllocFloat(count);
        try {
            fb.put(src, srcOff, count).flip();
            check(clEnqueueWriteBuffer(queue, mem(dst), true, off * 4, fb, null, null), "writing " + count + " floats to '" + dst.label() + "'");
        } finally {
            MemoryUtil.memFree(fb);
        }
    }

    @Override
    public void readFloats(ClBuffer src, long off, float[] dst, int dstOff, int count) {
        if (count == 0) {
            return;
        }
        FloatBuffer fb = MemoryUtil.memAllocFloat(count);
        try {
            check(clEnqueueReadBuffer(queue, mem(src), true, off * 4, fb, null, null), "reading " + count + " floats from '" + src.label() + "'");
            fb.get(dst, dstOff, count);
        } finally {
            MemoryUtil.memFree(fb);
        }
    }

    @Override
    public void writeInts(ClBuffer dst, long off, int[] src, int srcOff, int count) {
        if (count == 0) {
            return;
        }
        IntBuffer ib = MemoryUtil.memAllocInt(count);
        try {
            ib.put(src, srcOff, count).flip();
            check(clEnqueueWriteBuffer(queue, mem(dst), true, off * 4, ib, null, null), "writing " + count + " ints to '" + dst.label() + "'");
        } finally {
            MemoryUtil.memFree(ib);
        }
    }

    @Override
    public void readInts(ClBuffer src, long off, int[] dst, int dstOff, int count) {
        if (count == 0) {
            return;
        }
        IntBuffer ib = MemoryUtil.memAllocInt(count);
        try {
            check(clEnqueueReadBuffer(queue, mem(src), true, off * 4, ib, null, null), "reading " + count + " ints from '" + src.label() + "'");
            ib.get(dst, dstOff, count);
        } finally {
            MemoryUtil.memFree(ib);
        }
    }

    @Override
    public void copy(ClBuffer src, long srcOff, ClBuffer dst, long dstOff, long bytes) {
        if (bytes == 0) {
            return;
        }
        check(clEnqueueCopyBuffer(queue, mem(src), mem(dst), srcOff, dstOff, bytes, null, null),
                "copying " + bytes + " bytes from '" + src.label() + "' to '" + dst.label() + "'");
    }

    @Override
    public void zero(ClBuffer buffer, long offsetBytes, long bytes) {
        if (bytes == 0) {
            return;
        }
        try (MemoryStack stack = stackPush()) {
            ByteBuffer pattern = stack.calloc(4);
            check(CL12.clEnqueueFillBuffer(queue, mem(buffer), pattern, offsetBytes, bytes, null, null), "zeroing '" + buffer.label() + "'");
        }
    }

    @Override
    public void finish() {
        check(clFinish(queue), "clFinish on '" + device.name() + "' (a previously launched kernel failed)");
    }

    @Override
    public void flush() {
        clFlush(queue);
    }

    @Override
    public void close() {
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }

    private static final class LwjglBuffer implements ClBuffer {
        final long mem;
        final long bytes;
        final String label;

        LwjglBuffer(long mem, long bytes, String label) {
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
            clReleaseMemObject(mem);
        }
    }

    private static final class LwjglProgram implements ClProgram {
        final String name;
        final long program;
        final long deviceId;

        LwjglProgram(String name, long program, long deviceId) {
            this.name = name;
            this.program = program;
            this.deviceId = deviceId;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ClKernel kernel(String kernelName) {
            try (MemoryStack stack = stackPush()) {
                IntBuffer err = stack.mallocInt(1);
                long k = clCreateKernel(program, kernelName, err);
                check(err.get(0), "no kernel '" + kernelName + "' in program '" + name + "'");
                return new LwjglKernel(kernelName, k, deviceId);
            }
        }

        @Override
        public byte[] binary() {
            try (MemoryStack stack = stackPush()) {
                PointerBuffer sizes = stack.mallocPointer(1);
                if (clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizes, null) != CL_SUCCESS || sizes.get(0) == 0) {
                    return new byte[0];
                }
                ByteBuffer bin = MemoryUtil.memAlloc((int) sizes.get(0));
                try {
                    PointerBuffer ptrs = stack.mallocPointer(1).put(0, MemoryUtil.memAddress(bin));
                    if (clGetProgramInfo(program, CL_PROGRAM_BINARIES, ptrs, null) != CL_SUCCESS) {
                        return new byte[0];
                    }
                    byte[] out = new byte[bin.remaining()];
                    bin.get(out);
                    return out;
                } finally {
                    MemoryUtil.memFree(bin);
                }
            }
        }

        @Override
        public void close() {
            clReleaseProgram(program);
        }
    }

    private static final class LwjglKernel implements ClKernel {
        final String name;
        final long kernel;
        final long deviceId;

        LwjglKernel(String name, long kernel, long deviceId) {
            this.name = name;
            this.kernel = kernel;
            this.deviceId = deviceId;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ClKernel arg(int index, ClBuffer buffer) {
            check(clSetKernelArg1p(kernel, index, mem(buffer)), "setting argument " + index + " of kernel '" + name + "'");
            return this;
        }

        @Override
        public ClKernel arg(int index, int value) {
            check(clSetKernelArg1i(kernel, index, value), "setting argument " + index + " of kernel '" + name + "'");
            return this;
        }

        @Override
        public ClKernel arg(int index, float value) {
            check(clSetKernelArg1f(kernel, index, value), "setting argument " + index + " of kernel '" + name + "'");
            return this;
        }

        @Override
        public ClKernel argLocal(int index, long bytes) {
            check(clSetKernelArg(kernel, index, bytes), "setting local argument " + index + " of kernel '" + name + "'");
            return this;
        }

        @Override
        public long maxWorkGroupSize() {
            try (MemoryStack stack = stackPush()) {
                PointerBuffer v = stack.mallocPointer(1);
                check(clGetKernelWorkGroupInfo(kernel, deviceId, CL_KERNEL_WORK_GROUP_SIZE, v, null), "clGetKernelWorkGroupInfo");
                return v.get(0);
            }
        }

        @Override
        public void close() {
            clReleaseKernel(kernel);
        }
    }
}
