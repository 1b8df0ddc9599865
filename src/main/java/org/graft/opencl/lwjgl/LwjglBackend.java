package org.graft.opencl.lwjgl;

import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.system.MemoryStack.stackPush;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import org.graft.opencl.ClBackend;
import org.graft.opencl.ClContext;
import org.graft.opencl.ClException;
import org.graft.opencl.DeviceInfo;
import org.graft.opencl.DeviceQuery;
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
                    out.add(new Query(platform, d).describe(out.size(), p));
                    handles.add(d);
                    platformOf.add(platform);
                }
            }
        }
        devices = List.copyOf(out);
        return devices;
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

    /** The driver's answers about one device, through LWJGL; every return code is checked. */
    private record Query(long platform, long device) implements DeviceQuery {
        @Override
        public String platformString(int param) {
            return string("clGetPlatformInfo", (value, sizeRet) -> clGetPlatformInfo(platform, param, value, sizeRet));
        }

        @Override
        public String deviceString(int param) {
            return string("clGetDeviceInfo", (value, sizeRet) -> clGetDeviceInfo(device, param, value, sizeRet));
        }

        /** One clGet*Info call: asked once for the size, then for the bytes. */
        private interface InfoCall {
            int get(ByteBuffer value, PointerBuffer sizeRet);
        }

        private static String string(String name, InfoCall call) {
            try (MemoryStack stack = stackPush()) {
                PointerBuffer size = stack.mallocPointer(1);
                check(call.get(null, size), name);
                ByteBuffer buf = MemoryUtil.memAlloc((int) size.get(0));
                try {
                    check(call.get(buf, null), name);
                    return cString(buf);
                } finally {
                    MemoryUtil.memFree(buf);
                }
            }
        }

        @Override
        public long deviceUint(int param) {
            try (MemoryStack stack = stackPush()) {
                IntBuffer v = stack.mallocInt(1);
                check(clGetDeviceInfo(device, param, v, null), "clGetDeviceInfo");
                return Integer.toUnsignedLong(v.get(0));
            }
        }

        @Override
        public long deviceUlong(int param) {
            try (MemoryStack stack = stackPush()) {
                LongBuffer v = stack.mallocLong(1);
                check(clGetDeviceInfo(device, param, v, null), "clGetDeviceInfo");
                return v.get(0);
            }
        }

        @Override
        public long deviceSize(int param) {
            return deviceSizes(param, 1)[0];
        }

        @Override
        public long[] deviceSizes(int param, int count) {
            try (MemoryStack stack = stackPush()) {
                PointerBuffer v = stack.mallocPointer(count);
                check(clGetDeviceInfo(device, param, v, null), "clGetDeviceInfo");
                long[] out = new long[count];
                for (int i = 0; i < count; i++) {
                    out[i] = v.get(i);
                }
                return out;
            }
        }
    }

    @Override
    public ClContext open(DeviceInfo device) {
        devices();
        return new LwjglContext(device, platformOf.get(device.index()), handles.get(device.index()));
    }
}
