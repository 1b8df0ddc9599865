package org.graft.opencl.lwjgl;

import static org.graft.opencl.lwjgl.LwjglBackend.check;
import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.system.MemoryStack.stackPush;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import org.graft.opencl.ClContext;
import org.graft.opencl.DeviceInfo;
import org.lwjgl.PointerBuffer;
import org.lwjgl.opencl.CL12;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

/** The raw calls of {@link ClContext} through LWJGL's OpenCL bindings; every return code is checked. */
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
    protected Object createBuffer(long bytes) {
        try (MemoryStack stack = stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long mem = clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, err);
            check(err.get(0), "clCreateBuffer");
            return mem;
        }
    }

    @Override
    protected void releaseBuffer(Object mem) {
        clReleaseMemObject((long) mem);
    }

    @Override
    protected Object createProgramWithSource(String source) {
        try (MemoryStack stack = stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long program = clCreateProgramWithSource(context, source, err);
            check(err.get(0), "clCreateProgramWithSource");
            return program;
        }
    }

    @Override
    protected Object createProgramWithBinary(byte[] binary) {
        ByteBuffer bin = MemoryUtil.memAlloc(binary.length);
        try (MemoryStack stack = stackPush()) {
            bin.put(binary).flip();
            IntBuffer err = stack.mallocInt(1);
            IntBuffer status = stack.mallocInt(1);
            PointerBuffer devs = stack.mallocPointer(1).put(deviceId).flip();
            long program = clCreateProgramWithBinary(context, devs, bin, status, err);
            check(err.get(0), "clCreateProgramWithBinary");
            if (status.get(0) != CL_SUCCESS) {
                clReleaseProgram(program);
                check(status.get(0), "clCreateProgramWithBinary (binary status)");
            }
            return program;
        } finally {
            MemoryUtil.memFree(bin);
        }
    }

    @Override
    protected void buildProgram(Object program, String options) {
        check(clBuildProgram((long) program, deviceId, options, null, 0), "clBuildProgram");
    }

    @Override
    protected String buildLog(Object program) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            if (clGetProgramBuildInfo((long) program, deviceId, CL_PROGRAM_BUILD_LOG, (ByteBuffer) null, size) != CL_SUCCESS) {
                return "(no build log)";
            }
            ByteBuffer buf = MemoryUtil.memAlloc((int) size.get(0));
            try {
                clGetProgramBuildInfo((long) program, deviceId, CL_PROGRAM_BUILD_LOG, buf, null);
                return LwjglBackend.cString(buf);
            } finally {
                MemoryUtil.memFree(buf);
            }
        }
    }

    @Override
    protected byte[] programBinary(Object program) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer sizes = stack.mallocPointer(1);
            if (clGetProgramInfo((long) program, CL_PROGRAM_BINARY_SIZES, sizes, null) != CL_SUCCESS || sizes.get(0) == 0) {
                return new byte[0];
            }
            ByteBuffer bin = MemoryUtil.memAlloc((int) sizes.get(0));
            try {
                PointerBuffer ptrs = stack.mallocPointer(1).put(0, MemoryUtil.memAddress(bin));
                if (clGetProgramInfo((long) program, CL_PROGRAM_BINARIES, ptrs, null) != CL_SUCCESS) {
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
    protected void releaseProgram(Object program) {
        clReleaseProgram((long) program);
    }

    @Override
    protected Object createKernel(Object program, String kernelName) {
        try (MemoryStack stack = stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long k = clCreateKernel((long) program, kernelName, err);
            check(err.get(0), "clCreateKernel");
            return k;
        }
    }

    @Override
    protected void setBufferArg(Object kernel, int index, Object mem) {
        check(clSetKernelArg1p((long) kernel, index, (long) mem), "clSetKernelArg");
    }

    @Override
    protected void setIntArg(Object kernel, int index, int value) {
        check(clSetKernelArg1i((long) kernel, index, value), "clSetKernelArg");
    }

    @Override
    protected void setFloatArg(Object kernel, int index, float value) {
        check(clSetKernelArg1f((long) kernel, index, value), "clSetKernelArg");
    }

    @Override
    protected void setLocalArg(Object kernel, int index, long bytes) {
        check(clSetKernelArg((long) kernel, index, bytes), "clSetKernelArg");
    }

    @Override
    protected long kernelWorkGroupSize(Object kernel) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer v = stack.mallocPointer(1);
            check(clGetKernelWorkGroupInfo((long) kernel, deviceId, CL_KERNEL_WORK_GROUP_SIZE, v, null), "clGetKernelWorkGroupInfo");
            return v.get(0);
        }
    }

    @Override
    protected void releaseKernel(Object kernel) {
        clReleaseKernel((long) kernel);
    }

    @Override
    protected void enqueueKernel(Object kernel, long[] global, long[] local) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer g = stack.mallocPointer(global.length).put(global).flip();
            PointerBuffer l = local == null ? null : stack.mallocPointer(local.length).put(local).flip();
            check(clEnqueueNDRangeKernel(queue, (long) kernel, global.length, null, g, l, null, null), "clEnqueueNDRangeKernel");
        }
    }

    /** LWJGL passes native memory only: the host array goes through a temporary native block. */
    @Override
    protected void enqueueWrite(Object mem, long offsetBytes, Object host, int hostOffset, int count) {
        long block = MemoryUtil.nmemAllocChecked((long) count * 4);
        try {
            if (host instanceof float[] f) {
                MemoryUtil.memFloatBuffer(block, count).put(f, hostOffset, count);
            } else {
                MemoryUtil.memIntBuffer(block, count).put((int[]) host, hostOffset, count);
            }
            check(nclEnqueueWriteBuffer(queue, (long) mem, CL_TRUE, offsetBytes, (long) count * 4, block, 0, 0, 0), "clEnqueueWriteBuffer");
        } finally {
            MemoryUtil.nmemFree(block);
        }
    }

    @Override
    protected void enqueueRead(Object mem, long offsetBytes, Object host, int hostOffset, int count) {
        long block = MemoryUtil.nmemAllocChecked((long) count * 4);
        try {
            check(nclEnqueueReadBuffer(queue, (long) mem, CL_TRUE, offsetBytes, (long) count * 4, block, 0, 0, 0), "clEnqueueReadBuffer");
            if (host instanceof float[] f) {
                MemoryUtil.memFloatBuffer(block, count).get(f, hostOffset, count);
            } else {
                MemoryUtil.memIntBuffer(block, count).get((int[]) host, hostOffset, count);
            }
        } finally {
            MemoryUtil.nmemFree(block);
        }
    }

    @Override
    protected void enqueueCopy(Object src, long srcOffsetBytes, Object dst, long dstOffsetBytes, long bytes) {
        check(clEnqueueCopyBuffer(queue, (long) src, (long) dst, srcOffsetBytes, dstOffsetBytes, bytes, null, null), "clEnqueueCopyBuffer");
    }

    @Override
    protected void enqueueZero(Object mem, long offsetBytes, long bytes) {
        try (MemoryStack stack = stackPush()) {
            ByteBuffer pattern = stack.calloc(4);
            check(CL12.clEnqueueFillBuffer(queue, (long) mem, pattern, offsetBytes, bytes, null, null), "clEnqueueFillBuffer");
        }
    }

    @Override
    protected void finishQueue() {
        check(clFinish(queue), "clFinish");
    }

    @Override
    protected void flushQueue() {
        check(clFlush(queue), "clFlush");
    }

    @Override
    protected void releaseQueueAndContext() {
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }
}
