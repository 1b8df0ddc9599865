package org.graft.opencl.jocl;

import static org.jocl.CL.*;

import java.nio.charset.StandardCharsets;
import org.graft.opencl.ClContext;
import org.graft.opencl.ClException;
import org.graft.opencl.DeviceInfo;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/** The raw calls of {@link ClContext} through JOCL, which is configured to throw {@link CLException} on errors. */
final class JoclContext extends ClContext {
    private final cl_device_id deviceId;
    private final cl_context context;
    private final cl_command_queue queue;

    JoclContext(DeviceInfo info, cl_platform_id platform, cl_device_id deviceId) {
        super(info);
        this.deviceId = deviceId;
        try {
            cl_context_properties props = new cl_context_properties();
            props.addProperty(CL_CONTEXT_PLATFORM, platform);
            context = clCreateContext(props, 1, new cl_device_id[] {deviceId}, null, null, null);
            queue = clCreateCommandQueue(context, deviceId, 0, null);
        } catch (CLException e) {
            throw new ClException("creating an OpenCL context on '" + info.name() + "' failed", e.getStatus());
        }
    }

    @Override
    public String backendName() {
        return "jocl";
    }

    @Override
    protected int statusOf(RuntimeException e) {
        return e instanceof CLException c ? c.getStatus() : super.statusOf(e);
    }

    @Override
    protected Object createBuffer(long bytes) {
        return clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
    }

    @Override
    protected void releaseBuffer(Object mem) {
        clReleaseMemObject((cl_mem) mem);
    }

    @Override
    protected Object createProgramWithSource(String source) {
        // Length in UTF-8 bytes, not chars: kernel comments may hold non-ASCII text.
        return clCreateProgramWithSource(context, 1, new String[] {source},
                new long[] {source.getBytes(StandardCharsets.UTF_8).length}, null);
    }

    @Override
    protected Object createProgramWithBinary(byte[] binary) {
        return clCreateProgramWithBinary(context, 1, new cl_device_id[] {deviceId}, new long[] {binary.length},
                new byte[][] {binary}, new int[1], null);
    }

    @Override
    protected void buildProgram(Object program, String options) {
        clBuildProgram((cl_program) program, 1, new cl_device_id[] {deviceId}, options, null, null);
    }

    @Override
    protected String buildLog(Object program) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo((cl_program) program, deviceId, CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] buf = new byte[(int) size[0]];
            clGetProgramBuildInfo((cl_program) program, deviceId, CL_PROGRAM_BUILD_LOG, buf.length, Pointer.to(buf), null);
            return JoclBackend.cString(buf);
        } catch (CLException e) {
            return "(no build log: " + e.getMessage() + ")";
        }
    }

    @Override
    protected byte[] programBinary(Object program) {
        try {
            long[] sizes = new long[1];
            clGetProgramInfo((cl_program) program, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(sizes), null);
            if (sizes[0] == 0) {
                return new byte[0];
            }
            byte[] bin = new byte[(int) sizes[0]];
            clGetProgramInfo((cl_program) program, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(Pointer.to(bin)), null);
            return bin;
        } catch (CLException e) {
            return new byte[0];
        }
    }

    @Override
    protected void releaseProgram(Object program) {
        clReleaseProgram((cl_program) program);
    }

    @Override
    protected Object createKernel(Object program, String kernelName) {
        return clCreateKernel((cl_program) program, kernelName, null);
    }

    @Override
    protected void setBufferArg(Object kernel, int index, Object mem) {
        clSetKernelArg((cl_kernel) kernel, index, Sizeof.cl_mem, Pointer.to((cl_mem) mem));
    }

    @Override
    protected void setIntArg(Object kernel, int index, int value) {
        clSetKernelArg((cl_kernel) kernel, index, Sizeof.cl_int, Pointer.to(new int[] {value}));
    }

    @Override
    protected void setFloatArg(Object kernel, int index, float value) {
        clSetKernelArg((cl_kernel) kernel, index, Sizeof.cl_float, Pointer.to(new float[] {value}));
    }

    @Override
    protected void setLocalArg(Object kernel, int index, long bytes) {
        clSetKernelArg((cl_kernel) kernel, index, bytes, null);
    }

    @Override
    protected long kernelWorkGroupSize(Object kernel) {
        long[] v = new long[1];
        clGetKernelWorkGroupInfo((cl_kernel) kernel, deviceId, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    @Override
    protected void releaseKernel(Object kernel) {
        clReleaseKernel((cl_kernel) kernel);
    }

    @Override
    protected void enqueueKernel(Object kernel, long[] global, long[] local) {
        clEnqueueNDRangeKernel(queue, (cl_kernel) kernel, global.length, null, global, local, 0, null, null);
    }

    @Override
    protected void enqueueWrite(Object mem, long offsetBytes, Object host, int hostOffset, int count) {
        clEnqueueWriteBuffer(queue, (cl_mem) mem, CL_TRUE, offsetBytes, (long) count * 4, pointer(host, hostOffset), 0, null, null);
    }

    @Override
    protected void enqueueRead(Object mem, long offsetBytes, Object host, int hostOffset, int count) {
        clEnqueueReadBuffer(queue, (cl_mem) mem, CL_TRUE, offsetBytes, (long) count * 4, pointer(host, hostOffset), 0, null, null);
    }

    /** JOCL reads and writes Java arrays in place (no copy through native memory). */
    private static Pointer pointer(Object host, int offset) {
        Pointer p = host instanceof float[] f ? Pointer.to(f) : Pointer.to((int[]) host);
        return p.withByteOffset((long) offset * 4);
    }

    @Override
    protected void enqueueCopy(Object src, long srcOffsetBytes, Object dst, long dstOffsetBytes, long bytes) {
        clEnqueueCopyBuffer(queue, (cl_mem) src, (cl_mem) dst, srcOffsetBytes, dstOffsetBytes, bytes, 0, null, null);
    }

    @Override
    protected void enqueueZero(Object mem, long offsetBytes, long bytes) {
        clEnqueueFillBuffer(queue, (cl_mem) mem, Pointer.to(new int[] {0}), Sizeof.cl_int, offsetBytes, bytes, 0, null, null);
    }

    @Override
    protected void finishQueue() {
        clFinish(queue);
    }

    @Override
    protected void flushQueue() {
        clFlush(queue);
    }

    @Override
    protected void releaseQueueAndContext() {
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }
}
