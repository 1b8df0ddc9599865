package org.graft.kernels;

import org.graft.engine.Engine;
import org.graft.opencl.ClKernel;
import org.graft.opencl.DeviceInfo;
import org.graft.opencl.WorkGroups;

/**
 * Launch geometry for 3-D element-wise kernels whose dimension 0 walks contiguous memory (a row).
 * The kernels bounds-check every id, so sizes may be rounded up freely.
 *
 * <p>Dimension 0 is rounded up to a multiple of the device's preferred float vector width, so that a
 * work-group holds whole rows: CPU compilers (PoCL) vectorise across dimension 0, and with a
 * driver-chosen size PoCL only takes divisors of each global size and dropped a 196-wide row to 1.
 * Devices that prefer scalars (width 1, as GPUs report) are unaffected.
 *
 * <p>On CPU devices the work-group size is chosen here, as large as the kernel allows and split
 * evenly along each dimension: PoCL's own choice gave work-groups of 64 items for im2col, and its
 * per-group overhead then cost 3-5x the copy itself (measured 11.8 ms against 4.1 ms). Other
 * devices keep the driver's choice.
 */
public final class NdRange {
    private NdRange() {
    }

    /** Launches {@code k} over at least (x, y, z) work-items. */
    public static void run(Engine e, ClKernel k, long x, long y, long z) {
        long[] global = global(e.device(), x, y, z);
        long[] local = e.device().isCpu() ? cpuLocal(e.device(), k.maxWorkGroupSize(), global) : null;
        e.run(k, global, local);
    }

    /** {x rounded up to the preferred float vector width, y, z}. */
    static long[] global(DeviceInfo device, long x, long y, long z) {
        long m = Math.max(1, device.preferredFloatVectorWidth());
        return new long[] {roundUp(x, m), y, z};
    }

    /**
     * Work-group of at most {@link WorkGroups#maxGroupSize} items filled dimension by dimension
     * (0 first), each dimension split into equal parts so rounding the global size up to a multiple
     * adds less than one part of idle items.
     */
    static long[] cpuLocal(DeviceInfo device, long kernelLimit, long[] global) {
        long budget = WorkGroups.maxGroupSize(device, kernelLimit);
        long[] local = new long[global.length];
        for (int d = 0; d < global.length; d++) {
            long cap = Math.max(1, Math.min(budget, device.maxWorkItemSizes()[d]));
            long parts = (global[d] + cap - 1) / cap;
            local[d] = Math.max(1, (global[d] + parts - 1) / parts);
            budget = Math.max(1, budget / local[d]);
        }
        return local;
    }

    private static long roundUp(long x, long m) {
        return (x + m - 1) / m * m;
    }
}
