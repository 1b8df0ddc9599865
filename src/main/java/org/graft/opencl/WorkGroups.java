package org.graft.opencl;

import java.util.Arrays;

/**
 * Work-group sizes from the queried limits, never assumed: CL_DEVICE_MAX_WORK_GROUP_SIZE,
 * CL_DEVICE_MAX_WORK_ITEM_SIZES and the kernel's own CL_KERNEL_WORK_GROUP_SIZE (which a driver may set
 * lower than the device's, e.g. for a kernel that uses many registers). {@link #fit} shrinks a wanted
 * shape for kernels that work with any local size; {@link #requireFits} refuses a launch that the
 * driver would reject, naming the kernel and the limits, for kernels whose local size is part of
 * their code (local-memory tiles) and so must not be silently changed.
 */
public final class WorkGroups {
    private WorkGroups() {
    }

    /** The largest work-group this kernel may have on this device. */
    public static long maxGroupSize(DeviceInfo d, long kernelMax) {
        long m = d.maxWorkGroupSize();
        if (kernelMax > 0) {
            m = Math.min(m, kernelMax);
        }
        return Math.max(1, m);
    }

    /**
     * {@code wanted} shrunk to fit: each dimension at most the device's per-dimension limit and the
     * global size (a larger group would only hold idle work-items), then the largest dimension halved
     * until the product fits {@link #maxGroupSize}. Returns null (the driver chooses) if {@code wanted} is null.
     */
    public static long[] fit(DeviceInfo d, long kernelMax, long[] wanted, long[] global) {
        if (wanted == null) {
            return null;
        }
        long[] items = d.maxWorkItemSizes();
        if (wanted.length > items.length) {
            throw new IllegalArgumentException("a " + wanted.length + "-D work-group does not exist on '" + d.name()
                    + "', which has " + items.length + " work-item dimensions");
        }
        long[] local = new long[wanted.length];
        for (int i = 0; i < local.length; i++) {
            local[i] = Math.max(1, Math.min(wanted[i], Math.min(items[i], global != null ? Math.max(1, global[i]) : Long.MAX_VALUE)));
        }
        long max = maxGroupSize(d, kernelMax);
        while (product(local) > max) {
            int big = 0;
            for (int i = 1; i < local.length; i++) {
                if (local[i] > local[big]) {
                    big = i;
                }
            }
            local[big] = (local[big] + 1) / 2;
        }
        return local;
    }

    /** Throws with the kernel's name, the local size and every limit it breaks; does nothing for null. */
    public static void requireFits(DeviceInfo d, String kernel, long kernelMax, long[] local) {
        if (local == null) {
            return;
        }
        long[] items = d.maxWorkItemSizes();
        StringBuilder broken = new StringBuilder();
        if (local.length > items.length) {
            broken.append(local.length).append(" dimensions but the device has ").append(items.length).append("; ");
        }
        for (int i = 0; i < Math.min(local.length, items.length); i++) {
            if (local[i] < 1) {
                broken.append("dimension ").append(i).append(" is ").append(local[i]).append("; ");
            } else if (local[i] > items[i]) {
                broken.append("dimension ").append(i).append(" is ").append(local[i])
                        .append(" > CL_DEVICE_MAX_WORK_ITEM_SIZES[").append(i).append("] = ").append(items[i]).append("; ");
            }
        }
        long size = product(local);
        if (size > d.maxWorkGroupSize()) {
            broken.append(size).append(" work-items > CL_DEVICE_MAX_WORK_GROUP_SIZE = ").append(d.maxWorkGroupSize()).append("; ");
        }
        if (kernelMax > 0 && size > kernelMax) {
            broken.append(size).append(" work-items > CL_KERNEL_WORK_GROUP_SIZE = ").append(kernelMax).append(" for this kernel; ");
        }
        if (broken.length() > 0) {
            broken.setLength(broken.length() - 2);
            throw new ClException("kernel '" + kernel + "' cannot run with work-group " + Arrays.toString(local) + " on '"
                    + d.name() + "': " + broken + ". Such a kernel variant must not be chosen for this device.", -54);
        }
    }

    static long product(long[] a) {
        long p = 1;
        for (long v : a) {
            p *= v;
        }
        return p;
    }
}
