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
import org.graft.opencl.DeviceQuery;
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
                out.add(new Query(platforms[p], d).describe(out.size(), p));
                handles.add(d);
                platformOf.add(platforms[p]);
            }
        }
        devices = List.copyOf(out);
        return devices;
    }

    static String cString(byte[] buf) {
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        return new String(buf, 0, len, StandardCharsets.UTF_8).trim();
    }

    /** The driver's answers about one device, through JOCL. */
    private record Query(cl_platform_id platform, cl_device_id device) implements DeviceQuery {
        @Override
        public String platformString(int param) {
            return string((size, value, sizeRet) -> clGetPlatformInfo(platform, param, size, value, sizeRet));
        }

        @Override
        public String deviceString(int param) {
            return string((size, value, sizeRet) -> clGetDeviceInfo(device, param, size, value, sizeRet));
        }

        /** One clGet*Info call: asked once for the size, then for the bytes. */
        private interface InfoCall {
            void get(long size, Pointer value, long[] sizeRet);
        }

        private static String string(InfoCall call) {
            long[] size = new long[1];
            call.get(0, null, size);
            byte[] buf = new byte[(int) size[0]];
            call.get(buf.length, Pointer.to(buf), null);
            return cString(buf);
        }

        @Override
        public long deviceUint(int param) {
            return Integer.toUnsignedLong(value(param, Sizeof.cl_uint).getInt(0));
        }

        @Override
        public long deviceUlong(int param) {
            return value(param, Sizeof.cl_ulong).getLong(0);
        }

        @Override
        public long deviceSize(int param) {
            return deviceSizes(param, 1)[0];
        }

        @Override
        public long[] deviceSizes(int param, int count) {
            ByteBuffer bb = value(param, count * Sizeof.size_t);
            long[] out = new long[count];
            for (int i = 0; i < count; i++) {
                out[i] = Sizeof.size_t == 8 ? bb.getLong(i * 8) : Integer.toUnsignedLong(bb.getInt(i * 4));
            }
            return out;
        }

        private ByteBuffer value(int param, int bytes) {
            ByteBuffer bb = ByteBuffer.allocate(Math.max(bytes, 8)).order(ByteOrder.nativeOrder());
            clGetDeviceInfo(device, param, bytes, Pointer.to(bb), null);
            return bb;
        }
    }

    @Override
    public ClContext open(DeviceInfo device) {
        devices();
        return new JoclContext(device, platformOf.get(device.index()), handles.get(device.index()));
    }
}
