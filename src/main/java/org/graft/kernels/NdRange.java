package org.graft.kernels;

import org.graft.opencl.DeviceInfo;

/**
 * Global sizes for multi-dimensional element-wise launches whose dimension 0 walks contiguous memory.
 *
 * <p>Dimension 0 is rounded up to a multiple of the device's preferred float vector width (the kernels
 * bounds-check every id). Why: with a driver-chosen work-group size, PoCL only takes divisors of each
 * global size and drops the dimension whose size shares the smallest factor with its preferred multiple;
 * a row of 196 or 49 elements therefore got local size 1 along dimension 0, which leaves nothing to
 * vectorise. A rounded row keeps whole rows in a work-group. Devices that prefer scalars (width 1, as
 * GPUs report) are unaffected.
 */
public final class NdRange {
    private NdRange() {
    }

    /** {@code {roundUp(x), y}}. */
    public static long[] of(DeviceInfo device, long x, long y) {
        return new long[] {roundRow(device, x), y};
    }

    /** {@code {roundUp(x), y, z}}. */
    public static long[] of(DeviceInfo device, long x, long y, long z) {
        return new long[] {roundRow(device, x), y, z};
    }

    /** x rounded up to a multiple of the preferred float vector width (at least 1). */
    public static long roundRow(DeviceInfo device, long x) {
        long m = Math.max(1, device.preferredFloatVectorWidth());
        return (x + m - 1) / m * m;
    }
}
