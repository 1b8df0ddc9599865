package org.graft.kernels;

import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;
import org.graft.opencl.WorkGroups;

/**
 * Per-channel sums on the device ({@code kernels/channel_sum.cl}): data viewed as outer × dim × inner,
 * {@code out[d] = alpha·Σ_{o,i} a (or a·b) + beta·out[d]}. One work-group per channel whose size is the
 * largest the device and kernel allow (queried, never assumed), capped by the elements per channel;
 * the kernel is correct for any size and deterministic (fixed order, no atomics).
 */
public final class ChannelSum {
    private static final String FILE = "channel_sum.cl";

    private ChannelSum() {
    }

    public static void sum(Engine e, ClBuffer a, int outer, int dim, int inner, float alpha, float beta, ClBuffer out) {
        ClKernel k = e.kernel(FILE, "channel_sum");
        k.arg(0, outer).arg(1, dim).arg(2, inner).arg(3, a).arg(4, alpha).arg(5, beta).arg(6, out);
        launch(e, k, 7, outer, dim, inner, 0);
    }

    public static void dot(Engine e, ClBuffer a, ClBuffer b, int outer, int dim, int inner, float alpha, float beta, ClBuffer out) {
        dot(e, a, b, outer, dim, inner, alpha, beta, out, 0);
    }

    /** As {@link #dot(Engine, ClBuffer, ClBuffer, int, int, int, float, float, ClBuffer)} with a given work-group size (0: the largest allowed), for tests. */
    public static void dot(Engine e, ClBuffer a, ClBuffer b, int outer, int dim, int inner, float alpha, float beta, ClBuffer out,
                           long groupSize) {
        ClKernel k = e.kernel(FILE, "channel_dot");
        k.arg(0, outer).arg(1, dim).arg(2, inner).arg(3, a).arg(4, b).arg(5, alpha).arg(6, beta).arg(7, out);
        launch(e, k, 8, outer, dim, inner, groupSize);
    }

    /** The work-group size used for {@code perChannel} elements: the device's and kernel's limit, the local memory's, and no more than there is work. */
    public static long groupSize(Engine e, ClKernel k, long perChannel) {
        long max = WorkGroups.maxGroupSize(e.device(), k.maxWorkGroupSize());
        max = Math.min(max, e.device().maxWorkItemSizes()[0]);
        // One float of local memory per work-item; half the device's local memory at most, leaving room for the compiler's own.
        max = Math.min(max, Math.max(1, e.device().localMemBytes() / (2 * Float.BYTES)));
        return Math.max(1, Math.min(max, perChannel));
    }

    private static void launch(Engine e, ClKernel k, int localArg, int outer, int dim, int inner, long groupSize) {
        if (dim == 0) {
            return;
        }
        long size = groupSize > 0 ? groupSize : groupSize(e, k, (long) outer * inner);
        k.argLocal(localArg, size * Float.BYTES);
        e.run(k, new long[] {dim * size}, new long[] {size});
    }
}
