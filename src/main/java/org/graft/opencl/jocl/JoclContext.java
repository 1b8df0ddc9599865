package org.graft.opencl.jocl;

import static org.jocl.CL.*;

import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClBuildException;
import org.graft.opencl.ClContext;
import org.graft.opencl.ClException;
import org.graft.opencl.ClKernel;
import org.graft.opencl.ClProgram;
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

/** {@link ClContext} over JOCL. JOCL is configured to throw on errors; they are rethrown as ClException. */
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
    protected ClBuffer allocate(long bytes, String label) {
        try {
            cl_mem mem = clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
            return new JoclBuffer(mem, bytes, label);
        } catch (CLException e) {
            throw new ClException("clCreateBuffer", e.getStatus());
        }
    }

    private static cl_mem mem(ClBuffer b) {
        return raw(b, JoclBuffer.class).mem;
    }

    @Override
    public ClProgram buildProgram(String name, String source, String options) {
        cl_program program;
        try {
            // Length in UTF-8 bytes, not chars: kernel comments may hold non-ASCII text.
            program = clCreateProgramWithSource(context, 1, new String[] {source},
                    new long[] {source.getBytes(java.nio.charset.StandardCharsets.UTF_8).length}, null);
        } catch (CLException e) {
            throw new ClException("creating program '" + name + "'", e.getStatus());
        }
        return build(name, program, options);
    }

    private ClProgram build(String name, cl_program program, String options) {
        try {
            clBuildProgram(program, 1, new cl_device_id[] {deviceId}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(program);
            clReleaseProgram(program);
            throw new ClBuildException(name, device.name(), log, e.getStatus());
        }
        return new JoclProgram(name, program, deviceId);
    }

    private String buildLog(cl_program program) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(program, deviceId, CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] buf = new byte[(int) size[0]];
            clGetProgramBuildInfo(program, deviceId, CL_PROGRAM_BUILD_LOG, buf.length, Pointer.to(buf), null);
            return JoclBackend.cString(buf);
        } catch (CLException e) {
            return "(no build log: " + e.getMessage() + ")";
        }
    }

    @Override
    public ClProgram programFromBinary(String name, byte[] binary, String options) {
        try {
            int[] status = new int[1];
            cl_program program = clCreateProgramWithBinary(context, 1, new cl_device_id[] {deviceId},
                    new long[] {binary.length}, new byte[][] {binary}, status, null);
            return build(name, program, options);
        } catch (CLException | ClBuildException e) {
            return null;
        }
    }

    @Override
    protected void enqueue(ClKernel kernel, long[] global, long[] local) {
        long[] g = global;
        if (local != null) {
            g = new long[global.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = (global[i] + local[i] - 1) / local[i] * local[i];
            }
        }
        try {
            clEnqueueNDRangeKernel(queue, ((JoclKernel) kernel).kernel, g.length, null, g, local, 0, null, null);
        } catch (CLException e) {
            throw new ClException("clEnqueueNDRangeKernel", e.getStatus());
        }
    }

    @Override
    public void writeFloats(ClBuffer dst, long off, float[] src, int srcOff, int count) {
        if (count == 0) {
            return;
        }
        try {
            clEnqueueWriteBuffer(queue, mem(dst), CL_TRUE, off * 4, (long) count * 4,
                    Pointer.to(src).withByteOffset((long) srcOff * 4), 0, null, null);
        } catch (CLException e) {
            throw new ClException("writing " + count + " floats to '" + dst.label() + "'", e.getStatus());
        }
    }

    @Override
    public void readFloats(ClBuffer src, long off, float[] dst, int dstOff, int count) {
        if (count == 0) {
            return;
        }
        try {
            clEnqueueReadBuffer(queue, mem(src), CL_TRUE, off * 4, (long) count * 4,
                    Pointer.to(dst).withByteOffset((long) dstOff * 4), 0, null, null);
        } catch (CLException e) {
            throw new ClException("reading " + count + " floats from '" + src.label() + "'", e.getStatus());
        }
    }

    @Override
    public void writeInts(ClBuffer dst, long off, int[] src, int srcOff, int count) {
        if (count == 0) {
            return;
        }
        try {
            clEnqueueWriteBuffer(queue, mem(dst), CL_TRUE, off * 4, (long) count * 4,
                    Pointer.to(src).withByteOffset((long) srcOff * 4), 0, null, null);
        } catch (CLException e) {
            throw new ClException("writing " + count + " ints to '" + dst.label() + "'", e.getStatus());
        }
    }

    @Override
    public void readInts(ClBuffer src, long off, int[] dst, int dstOff, int count) {
        if (count == 0) {
            return;
        }
        try {
            clEnqueueReadBuffer(queue, mem(src), CL_TRUE, off * 4, (long) count * 4,
                    Pointer.to(dst).withByteOffset((long) dstOff * 4), 0, null, null);
        } catch (CLException e) {
            throw new ClException("reading " + count + " ints from '" + src.label() + "'", e.getStatus());
        }
    }

    @Override
    public void copy(ClBuffer src, long srcOff, ClBuffer dst, long dstOff, long bytes) {
        if (bytes == 0) {
            return;
        }
        try {
            clEnqueueCopyBuffer(queue, mem(src), mem(dst), srcOff, dstOff, bytes, 0, null, null);
        } catch (CLException e) {
            throw new ClException("copying " + bytes + " bytes from '" + src.label() + "' to '" + dst.label() + "'", e.getStatus());
        }
    }

    @Override
    public void zero(ClBuffer buffer, long offsetBytes, long bytes) {
        if (bytes == 0) {
            return;
        }
        try {
            clEnqueueFillBuffer(queue, mem(buffer), Pointer.to(new int[] {0}), Sizeof.cl_int, offsetBytes, bytes, 0, null, null);
        } catch (CLException e) {
            throw new ClException("zeroing '" + buffer.label() + "'", e.getStatus());
        }
    }

    @Override
    public void finish() {
        try {
            clFinish(queue);
        } catch (CLException e) {
            throw new ClException("clFinish on '" + device.name() + "' (a previously launched kernel failed)", e.getStatus());
        }
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

    private static final class JoclBuffer implements ClBuffer {
        final cl_mem mem;
        final long bytes;
        final String label;

        JoclBuffer(cl_mem mem, long bytes, String label) {
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

    private static final class JoclProgram implements ClProgram {
        final String name;
        final cl_program program;
        final cl_device_id deviceId;

        JoclProgram(String name, cl_program program, cl_device_id deviceId) {
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
            try {
                return new JoclKernel(kernelName, clCreateKernel(program, kernelName, null), deviceId);
            } catch (CLException e) {
                throw new ClException("no kernel '" + kernelName + "' in program '" + name + "'", e.getStatus());
            }
        }

        @Override
        public byte[] binary() {
            try {
                long[] sizes = new long[1];
                clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(sizes), null);
                if (sizes[0] == 0) {
                    return new byte[0];
                }
                byte[] bin = new byte[(int) sizes[0]];
                clGetProgramInfo(program, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(Pointer.to(bin)), null);
                return bin;
            } catch (CLException e) {
                return new byte[0];
            }
        }

        @Override
        public void close() {
            clReleaseProgram(program);
        }
    }

    private static final class JoclKernel implements ClKernel {
        final String name;
        final cl_kernel kernel;
        final cl_device_id deviceId;

        JoclKernel(String name, cl_kernel kernel, cl_device_id deviceId) {
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
            clSetKernelArg(kernel, index, Sizeof.cl_mem, Pointer.to(mem(buffer)));
            return this;
        }

        @Override
        public ClKernel arg(int index, int value) {
            clSetKernelArg(kernel, index, Sizeof.cl_int, Pointer.to(new int[] {value}));
            return this;
        }

        @Override
        public ClKernel arg(int index, float value) {
            clSetKernelArg(kernel, index, Sizeof.cl_float, Pointer.to(new float[] {value}));
            return this;
        }

        @Override
        public ClKernel argLocal(int index, long bytes) {
            clSetKernelArg(kernel, index, bytes, null);
            return this;
        }

        @Override
        public long maxWorkGroupSize() {
            long[] v = new long[1];
            clGetKernelWorkGroupInfo(kernel, deviceId, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(v), null);
            return v[0];
        }

        @Override
        public void close() {
            clReleaseKernel(kernel);
        }
    }
}
