package org.graft.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.graft.opencl.DeviceInfo;
import org.junit.jupiter.api.Test;

class NdRangeTest {
    private static DeviceInfo device(String type, long maxWorkGroup, long[] maxItems, int vectorWidth) {
        return new DeviceInfo(0, 0, "p", "OpenCL 1.2", "d", "v", type, "OpenCL 1.2", "1", "OpenCL C 1.2", 2,
                1L << 30, 1L << 28, 1L << 16, maxWorkGroup, maxItems, vectorWidth, true, false);
    }

    @Test
    void rowsAreRoundedToTheVectorWidthOnly() {
        DeviceInfo cpu = device("CPU", 4096, new long[] {4096, 4096, 4096}, 16);
        assertThat(NdRange.global(cpu, 196, 32, 64)).containsExactly(208, 32, 64);
        assertThat(NdRange.global(cpu, 1, 1, 1)).containsExactly(16, 1, 1);
        DeviceInfo scalar = device("GPU", 1024, new long[] {1024, 1024, 64}, 1);
        assertThat(NdRange.global(scalar, 196, 32, 64)).containsExactly(196, 32, 64);
    }

    @Test
    void cpuWorkGroupsFillTheLimitWithEvenSplits() {
        DeviceInfo cpu = device("CPU", 4096, new long[] {4096, 4096, 4096}, 16);
        // im2col of a 7x7 output with 55296 (row, image) pairs: 16 x 7 x 36 = 4032 items, 1536 groups exactly.
        assertThat(NdRange.cpuLocal(cpu, 4096, new long[] {16, 7, 55296})).containsExactly(16, 7, 36);
        // 40 planes do not fit in one group of 16 x 7: two groups of 20 rather than 36 + 4 (no idle items).
        long[] local = NdRange.cpuLocal(cpu, 4096, new long[] {16, 7, 40});
        assertThat(local[0] * local[1] * local[2]).isLessThanOrEqualTo(4096);
        assertThat(40 % local[2]).isZero();
        // a row longer than the limit is split evenly
        assertThat(NdRange.cpuLocal(cpu, 4096, new long[] {5008, 3, 2})).containsExactly(2504, 1, 1);
    }

    @Test
    void cpuWorkGroupsRespectKernelAndPerDimensionLimits() {
        DeviceInfo cpu = device("CPU", 4096, new long[] {4096, 8, 2}, 16);
        long[] local = NdRange.cpuLocal(cpu, 256, new long[] {64, 100, 100});
        assertThat(local[0] * local[1] * local[2]).isLessThanOrEqualTo(256);
        assertThat(local[1]).isLessThanOrEqualTo(8);
        assertThat(local[2]).isLessThanOrEqualTo(2);
        assertThat(local).containsExactly(64, 4, 1);
    }
}
