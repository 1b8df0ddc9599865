package org.graft.opencl.jocl;

import static org.jocl.CL.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.graft.opencl.ClBackend;
import org.graft.opencl.ClContext;
import org.graft.opencl.ClException;
import org.graft.opencl.DeviceInfo;
import org.graft.opencl.DeviceTypes;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** OpenCL through JOCL (org.jocl), whose jar bundles natives for Linux, Windows and macOS. */
public final class JoclBackend implements ClBackend {
    private List<DeviceInfo> devices;
    private final List<cl_device_id> handles = new ArrayList<>();
    private final List<cl_platform_id> platformOf = new ArrayList<>();

    public JoclBackend() {
        CL.setExceptionsEnabled(true);
    }

    @Override
    public String name() {
        return "jocl";
    }

    @Override
    public synchronized List<DeviceInfo> devices() {
        if (devices != null) {
            return devices;
        }
        List<DeviceInfo> out = new ArrayList<>();
        int[] n = new int[1];
        try {
            clGetPlatformIDs(0, null, n);
        } catch (CLException e) {
            devices = List.of(); // no ICD loader entries: CL_PLATFORM_NOT_FOUND_KHR
            return devices;
        } catch (LinkageError e) {
            throw new ClException("the OpenCL library (libOpenCL) could not be loaded through JOCL: " + e.getMessage()
                    + ". Install an ICD loader and a runtime, e.g. 'apt-get install ocl-icd-libopencl1 pocl-opencl-icd'.");
        }
        cl_platform_id[] platforms = new cl_platform_id[n[0]];
        clGetPlatformIDs(platforms.length, platforms, null);
        for (int p = 0; p < platforms.length; p++) {
            int[] nd = new int[1];
            try {
                clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, null, nd);
            } catch (CLException e) {
                continue; // a platform without devices
            }
            cl_device_id[] ds = new cl_device_id[nd[0]];
            clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, ds.length, ds, null);
            for (cl_device_id d : ds) {
                out.add(describe(out.size(), p, platforms[p], d));
                handles.add(d);
                platformOf.add(platforms[p]);
            }
        }
        devices = List.copyOf(out);
        return devices;
    }

    private static DeviceInfo describe(int index, int p, cl_platform_id platform, cl_device_id d) {
        String ext = deviceString(d, CL_DEVICE_EXTENSIONS);
        int dims = (int) deviceLong(d, CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS, Sizeof.cl_uint);
        long[] items = new long[dims];
        ByteBuffer bb = ByteBuffer.allocate(dims * Sizeof.size_t).order(ByteOrder.nativeOrder());
        clGetDeviceInfo(d, CL_DEVICE_MAX_WORK_ITEM_SIZES, (long) dims * Sizeof.size_t, Pointer.to(bb), null);
        for (int i = 0; i < dims; i++) {
            items[i] = Sizeof.size_t == 8 ? bb.getLong(i * 8) : bb.getInt(i * 4);
        }
        return new DeviceInfo(index, p,
                platformString(platform, CL_PLATFORM_NAME),
                platformString(platform, CL_PLATFORM_VERSION),
                deviceString(d, CL_DEVICE_NAME),
                deviceString(d, CL_DEVICE_VENDOR),
                DeviceTypes.describe(deviceLong(d, CL_DEVICE_TYPE, Sizeof.cl_ulong)),
                deviceString(d, CL_DEVICE_VERSION),
                deviceString(d, CL_DRIVER_VERSION),
                deviceString(d, CL_DEVICE_OPENCL_C_VERSION),
                (int) deviceLong(d, CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint),
                deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE, Sizeof.cl_ulong),
                deviceLong(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE, Sizeof.cl_ulong),
                deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE, Sizeof.cl_ulong),
                deviceLong(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, Sizeof.size_t),
                items,
                (int) deviceLong(d, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, Sizeof.cl_uint),
                deviceLong(d, CL_DEVICE_COMPILER_AVAILABLE, Sizeof.cl_uint) != 0,
                ext.contains("cl_khr_fp64"));
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    static String cString(byte[] buf) {
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        return new String(buf, 0, len, StandardCharsets.UTF_8).trim();
    }

    private static long deviceLong(cl_device_id d, int param, int size) {
        ByteBuffer bb = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        clGetDeviceInfo(d, param, size, Pointer.to(bb), null);
        return size == 8 ? bb.getLong(0) : Integer.toUnsignedLong(bb.getInt(0));
    }

    @Override
    public ClContext open(DeviceInfo device) {
        devices();
        return new JoclContext(device, platformOf.get(device.index()), handles.get(device.index()));
    }
}
