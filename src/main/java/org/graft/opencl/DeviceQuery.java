package org.graft.opencl;

/**
 * How a binding asks the driver about one device and its platform. {@link #describe} turns the answers into
 * a {@link DeviceInfo} once for every binding; the parameter names are the OpenCL 1.2 specification's.
 */
public interface DeviceQuery {
    int CL_PLATFORM_VERSION = 0x0901;
    int CL_PLATFORM_NAME = 0x0902;
    int CL_DEVICE_TYPE = 0x1000;
    int CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002;
    int CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS = 0x1003;
    int CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
    int CL_DEVICE_MAX_WORK_ITEM_SIZES = 0x1005;
    int CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT = 0x100A;
    int CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
    int CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE = 0x101D;
    int CL_DEVICE_GLOBAL_MEM_CACHE_SIZE = 0x101E;
    int CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F;
    int CL_DEVICE_LOCAL_MEM_SIZE = 0x1023;
    int CL_DEVICE_COMPILER_AVAILABLE = 0x1028;
    int CL_DEVICE_NAME = 0x102B;
    int CL_DEVICE_VENDOR = 0x102C;
    int CL_DRIVER_VERSION = 0x102D;
    int CL_DEVICE_VERSION = 0x102F;
    int CL_DEVICE_EXTENSIONS = 0x1030;
    int CL_DEVICE_OPENCL_C_VERSION = 0x103D;

    String platformString(int param);

    String deviceString(int param);

    /** A cl_uint (or cl_bool), unsigned. */
    long deviceUint(int param);

    /** A cl_ulong or cl_bitfield. */
    long deviceUlong(int param);

    /** A size_t. */
    long deviceSize(int param);

    /** An array of {@code count} size_t. */
    long[] deviceSizes(int param, int count);

    /** The device as Graft sees it; {@code index} counts the devices of all platforms. */
    default DeviceInfo describe(int index, int platformIndex) {
        int dims = (int) deviceUint(CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS);
        return new DeviceInfo(index, platformIndex,
                platformString(CL_PLATFORM_NAME),
                platformString(CL_PLATFORM_VERSION),
                deviceString(CL_DEVICE_NAME),
                deviceString(CL_DEVICE_VENDOR),
                DeviceTypes.describe(deviceUlong(CL_DEVICE_TYPE)),
                deviceString(CL_DEVICE_VERSION),
                deviceString(CL_DRIVER_VERSION),
                deviceString(CL_DEVICE_OPENCL_C_VERSION),
                (int) deviceUint(CL_DEVICE_MAX_COMPUTE_UNITS),
                deviceUlong(CL_DEVICE_GLOBAL_MEM_SIZE),
                deviceUlong(CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                deviceUlong(CL_DEVICE_LOCAL_MEM_SIZE),
                deviceSize(CL_DEVICE_MAX_WORK_GROUP_SIZE),
                deviceSizes(CL_DEVICE_MAX_WORK_ITEM_SIZES, dims),
                (int) deviceUint(CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT),
                deviceUint(CL_DEVICE_COMPILER_AVAILABLE) != 0,
                deviceString(CL_DEVICE_EXTENSIONS).contains("cl_khr_fp64"),
                deviceUlong(CL_DEVICE_GLOBAL_MEM_CACHE_SIZE),
                (int) deviceUint(CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE));
    }
}
