package org.graft.opencl;

/** DeviceInfo values for tests of limit handling, without a driver. */
final class FakeDevices {
    private FakeDevices() {
    }

    static DeviceInfo device(int index, String name, String type, boolean compiler, long maxAllocBytes, long maxWorkGroup,
                             long... workItems) {
        return new DeviceInfo(index, 0, "Fake Platform", "OpenCL 1.2 fake", name, "Fake Vendor", type, "OpenCL 1.2",
                "1.0", "OpenCL C 1.2", 4, 4 * maxAllocBytes, maxAllocBytes, 32 * 1024, maxWorkGroup, workItems, 4, compiler, false);
    }

    static DeviceInfo gpu(int index, String name) {
        return device(index, name, "GPU", true, 1L << 30, 256, 256, 256, 64);
    }

    static DeviceInfo cpu(int index, String name) {
        return device(index, name, "CPU", true, 1L << 30, 4096, 4096, 4096, 4096);
    }
}
