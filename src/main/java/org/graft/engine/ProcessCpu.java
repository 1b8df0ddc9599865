package org.graft.engine;

import java.lang.management.ManagementFactory;

/**
 * This process's CPU time over all its threads, the OpenCL driver's native worker threads included (a
 * CPU device's kernels run on them). Per wall second it tells how many cores a run actually got, which
 * shows when other load on the machine skewed a timing ({@code bench}'s cores column, the GEMM tuner's
 * share check).
 */
public final class ProcessCpu {
    private ProcessCpu() {
    }

    /** CPU nanoseconds used by the process so far, or -1 if the JVM cannot tell. */
    public static long nanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
