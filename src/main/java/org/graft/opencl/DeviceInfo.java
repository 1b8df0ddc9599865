package org.graft.opencl;

import java.util.Arrays;

/**
 * Everything Graft needs to know about one OpenCL device, queried from the driver (never assumed).
 * {@code index} is the position in the list of all devices of all platforms, as printed by {@code devices}.
 */
public record DeviceInfo(
        int index,
        int platformIndex,
        String platformName,
        String platformVersion,
        String name,
        String vendor,
        String type,
        String deviceVersion,
        String driverVersion,
        String openclCVersion,
        int computeUnits,
        long globalMemBytes,
        long maxAllocBytes,
        long localMemBytes,
        long maxWorkGroupSize,
        long[] maxWorkItemSizes,
        int preferredFloatVectorWidth,
        boolean compilerAvailable,
        boolean fp64,
        long globalMemCacheBytes,
        int globalMemCachelineBytes) {

    /** A device whose driver did not report its global memory cache (0 = unknown). */
    public DeviceInfo(int index, int platformIndex, String platformName, String platformVersion, String name, String vendor,
                      String type, String deviceVersion, String driverVersion, String openclCVersion, int computeUnits,
                      long globalMemBytes, long maxAllocBytes, long localMemBytes, long maxWorkGroupSize,
                      long[] maxWorkItemSizes, int preferredFloatVectorWidth, boolean compilerAvailable, boolean fp64) {
        this(index, platformIndex, platformName, platformVersion, name, vendor, type, deviceVersion, driverVersion,
                openclCVersion, computeUnits, globalMemBytes, maxAllocBytes, localMemBytes, maxWorkGroupSize,
                maxWorkItemSizes, preferredFloatVectorWidth, compilerAvailable, fp64, 0, 0);
    }

    public boolean isGpu() {
        return type.contains("GPU");
    }

    public boolean isCpu() {
        return type.contains("CPU");
    }

    /** One line for logs and benchmark records. */
    public String describe() {
        return String.format("#%d %s (%s, %s, %s, driver %s, %d CUs)", index, name, vendor, type,
                openclCVersion, driverVersion, computeUnits);
    }

    /** Stable key for on-disk caches: changes whenever the device or its driver changes. */
    public String cacheKey() {
        return platformName + "|" + platformVersion + "|" + name + "|" + vendor + "|" + deviceVersion + "|" + driverVersion;
    }

    @Override
    public String toString() {
        return describe() + " workItems=" + Arrays.toString(maxWorkItemSizes);
    }
}
