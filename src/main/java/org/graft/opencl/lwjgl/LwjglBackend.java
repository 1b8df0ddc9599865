package org.graft.opencl.lwjgl;

import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.system.MemoryStack.stackPush;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import org.graft.opencl.ClBackend;
import org.graft.opencl.ClContext;
import org.graft.opencl.ClException;
import org.graft.opencl.DeviceInfo;
import org.graft.opencl.DeviceTypes;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

/** OpenCL through LWJGL 3 (org.lwjgl.opencl), with LWJGL's natives for Linux, Windows and macOS. */
public final class LwjglBackend implements ClBackend {
    private List<DeviceInfo> devices;
    private final List<Long> handles = new ArrayList<>();
    private final List<Long> platformOf = new ArrayList<>();

    public LwjglBackend() {
        // LWJGL looks for the unversioned libOpenCL.so, which on Debian/Ubuntu exists only with the -dev
        // package; the ICD loader's SONAME libOpenCL.so.1 is always there. A user's own choice wins.
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && org.lwjgl.system.Configuration.OPENCL_LIBRARY_NAME.get() == null) {
            org.lwjgl.system.Configuration.OPENCL_LIBRARY_NAME.set("libOpenCL.so.1");
        }
    }

    @Override
    public String name() {
        return "lwjgl";
    }

    static void check(int err, String what) {
        if (err != CL_SUCCESS) {
            throw new ClException(what, err);
        }
    }

    @Override
    public synchronized List<DeviceInfo> devices() {
        if (devices != null) {
            return devices;
        }
        List<DeviceInfo> out = new ArrayList<>();
        try (MemoryStack stack = stackPush()) {
            IntBuffer n = stack.mallocInt(1);
            int err;
            try {
                err = clGetPlatformIDs(null, n);
            } catch (LinkageError | IllegalStateException e) {
                throw new ClException("the OpenCL library (libOpenCL) could not be loaded through LWJGL: " + e.getMessage()
                        + ". Install an ICD loader and a runtime, e.g. 'apt-get install ocl-icd-libopencl1 pocl-opencl-icd'.");
            }
            if (err != CL_SUCCESS || n.get(0) == 0) {
                devices = List.of();
                return devices;
            }
            PointerBuffer platforms = stack.mallocPointer(n.get(0));
            check(clGetPlatformIDs(platforms, (IntBuffer) null), "clGetPlatformIDs");
            for (int p = 0; p < platforms.capacity(); p++) {
                long platform = platforms.get(p);
                IntBuffer nd = stack.mallocInt(1);
                if (clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, null, nd) != CL_SUCCESS || nd.get(0) == 0) {
                    continue;
                }
                PointerBuffer ds = stack.mallocPointer(nd.get(0));
                check(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ds, (IntBuffer) null), "clGetDeviceIDs");
                for (int i = 0; i < ds.capacity(); i++) {
                    long d = ds.get(i);
                    out.add(describe(out.size(), p, platform, d));
                    handles.add(d);
                    platformOf.add(platform);
                }
            }
        }
        devices = List.copyOf(out);
        return devices;
    }

    private static DeviceInfo describe(int index, int p, long platform, long d) {
        String ext = deviceString(d, CL_DEVICE_EXTENSIONS);
        int dims = (int) deviceInt(d, CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS);
        long[] items = new long[dims];
        try (MemoryStack stack = stackPush()) {
            PointerBuffer pb = stack.mallocPointer(dims);
            check(clGetDeviceInfo(d, CL_DEVICE_MAX_WORK_ITEM_SIZES, pb, null), "clGetDeviceInfo");
            for (int i = 0; i < dims; i++) {
                items[i] = pb.get(i);
            }
        }
        return new DeviceInfo(index, p,
                platformString(platform, CL_PLATFORM_NAME),
                platformString(platform, CL_PLATFORM_VERSION),
                deviceString(d, CL_DEVICE_NAME),
                deviceString(d, CL_DEVICE_VENDOR),
                DeviceTypes.describe(deviceLong(d, CL_DEVICE_TYPE)),
                deviceString(d, CL_DEVICE_VERSION),
                deviceString(d, CL_DRIVER_VERSION),
                deviceString(d, 0x103D /* CL_DEVICE_OPENCL_C_VERSION */),
                (int) deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS),
                deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE),
                deviceLong(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE),
                deviceSize(d, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                items,
                (int) deviceInt(d, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT),
                deviceInt(d, CL_DEVICE_COMPILER_AVAILABLE) != 0,
                ext.contains("cl_khr_fp64"));
    }

    static String deviceString(long d, int param) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            check(clGetDeviceInfo(d, param, (ByteBuffer) null, size), "clGetDeviceInfo");
            ByteBuffer buf = MemoryUtil.memAlloc((int) size.get(0));
            try {
                check(clGetDeviceInfo(d, param, buf, null), "clGetDeviceInfo");
                return cString(buf);
            } finally {
                MemoryUtil.memFree(buf);
            }
        }
    }

    private static String platformString(long p, int param) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            check(clGetPlatformInfo(p, param, (ByteBuffer) null, size), "clGetPlatformInfo");
            ByteBuffer buf = MemoryUtil.memAlloc((int) size.get(0));
            try {
                check(clGetPlatformInfo(p, param, buf, null), "clGetPlatformInfo");
                return cString(buf);
            } finally {
                MemoryUtil.memFree(buf);
            }
        }
    }

    static String cString(ByteBuffer buf) {
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        int len = 0;
        while (len < bytes.length && bytes[len] != 0) {
            len++;
        }
        return new String(bytes, 0, len, java.nio.charset.StandardCharsets.UTF_8).trim();
    }

    private static long deviceInt(long d, int param) {
        try (MemoryStack stack = stackPush()) {
            IntBuffer v = stack.mallocInt(1);
            check(clGetDeviceInfo(d, param, v, null), "clGetDeviceInfo");
            return Integer.toUnsignedLong(v.get(0));
        }
    }

    private static long deviceLong(long d, int param) {
        try (MemoryStack stack = stackPush()) {
            java.nio.LongBuffer v = stack.mallocLong(1);
            check(clGetDeviceInfo(d, param, v, null), "clGetDeviceInfo");
            return v.get(0);
        }
    }

    private static long deviceSize(long d, int param) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer v = stack.mallocPointer(1);
            check(clGetDeviceInfo(d, param, v, null), "clGetDeviceInfo");
            return v.get(0);
        }
    }

    @Override
    public ClContext open(DeviceInfo device) {
        devices();
        return new LwjglContext(device, platformOf.get(device.index()), handles.get(device.index()));
    }
}
