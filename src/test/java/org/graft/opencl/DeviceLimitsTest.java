package org.graft.opencl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.graft.engine.Engine;
import org.graft.kernels.KernelLibrary;
import org.junit.jupiter.api.Test;

/**
 * Limits and driver failures without a driver: fake devices with tiny limits and a fake context whose
 * raw calls fail with the codes drivers return when memory or resources run out.
 */
class DeviceLimitsTest {

    @Test
    void bufferOverTheSingleAllocationLimitIsRefusedWithBothSizes() {
        FakeContext cl = new FakeContext(FakeDevices.device(0, "Tiny GPU", "GPU", true, 1024, 256, 256, 256, 64));
        assertThatThrownBy(() -> cl.createBuffer(2048, "fc6.weights"))
                .isInstanceOf(ClException.class)
                .hasMessageContaining("'fc6.weights'")
                .hasMessageContaining("2.0 KiB (2048 bytes)")
                .hasMessageContaining("1.0 KiB (1024 bytes)")
                .hasMessageContaining("Tiny GPU")
                .hasMessageContaining("CL_DEVICE_MAX_MEM_ALLOC_SIZE");
        assertThat(cl.liveBytes()).isZero();
        try (ClBuffer b = cl.createBuffer(1024, "exactly the limit")) {
            assertThat(b.bytes()).isEqualTo(1024);
            assertThat(cl.liveBytes()).isEqualTo(1024);
        }
    }

    @Test
    void allocationsBeyondTheDeviceMemoryAreRefusedWithNeededAndAvailable() {
        FakeContext cl = new FakeContext(FakeDevices.device(0, "Small GPU", "GPU", true, 1 << 20, 256, 256, 256, 64)); // 4 MiB in all
        ClBuffer[] held = new ClBuffer[4];
        for (int i = 0; i < 4; i++) {
            held[i] = cl.createBuffer(1 << 20, "blob" + i);
        }
        assertThatThrownBy(() -> cl.createBuffer(1, "conv1.history"))
                .isInstanceOf(ClException.class)
                .hasMessageContaining("out of device memory: buffer 'conv1.history' needs 1 B")
                .hasMessageContaining("4.0 MiB (4194304 bytes) of the 4.0 MiB (4194304 bytes) on 'Small GPU'")
                .hasMessageContaining("at least 4.0 MiB (4194305 bytes) are needed")
                .hasMessageContaining("smaller batch_size");
        held[0].close();
        try (ClBuffer again = cl.createBuffer(1, "conv1.history")) {
            assertThat(again.bytes()).isEqualTo(1);
        }
    }

    @Test
    void allocationFailureMidRunNamesTheBufferItsSizeAndWhatIsLive() {
        FakeContext cl = new FakeContext(FakeDevices.gpu(0, "Busy GPU"));
        ClBuffer held = cl.createBuffer(3 << 20, "conv1.col");
        cl.allocateError = -4; // CL_MEM_OBJECT_ALLOCATION_FAILURE
        assertThatThrownBy(() -> cl.createBuffer(5 << 20, "conv2.col"))
                .isInstanceOf(ClException.class)
                .hasMessageContaining("'conv2.col'")
                .hasMessageContaining("5.0 MiB")
                .hasMessageContaining("3.0 MiB")
                .hasMessageContaining("Busy GPU")
                .hasMessageContaining("CL_MEM_OBJECT_ALLOCATION_FAILURE")
                .satisfies(e -> assertThat(((ClException) e).isOutOfResources()).isTrue());
        held.close();
        assertThat(cl.liveBytes()).isZero();
    }

    @Test
    void outOfResourcesAtLaunchNamesTheKernelAndItsSizes() {
        FakeContext cl = new FakeContext(FakeDevices.gpu(0, "Small GPU"));
        cl.enqueueError = -5; // CL_OUT_OF_RESOURCES
        assertThatThrownBy(() -> cl.launch(cl.kernel("gemm_tiled"), new long[] {640, 96, 1}, new long[] {16, 16, 1}))
                .isInstanceOf(ClException.class)
                .hasMessageContaining("'gemm_tiled'")
                .hasMessageContaining("[640, 96, 1]")
                .hasMessageContaining("[16, 16, 1]")
                .hasMessageContaining("Small GPU")
                .hasMessageContaining("CL_OUT_OF_RESOURCES")
                .satisfies(e -> assertThat(((ClException) e).isOutOfResources()).isTrue());
    }

    @Test
    void emptyRangesAreNotEnqueued() {
        FakeContext cl = new FakeContext(FakeDevices.cpu(0, "CPU"));
        ClKernel relu = cl.kernel("relu_forward");
        cl.launch(relu, new long[] {0}, null);
        assertThat(cl.enqueued).isZero();
        cl.launch(relu, new long[] {7}, null);
        assertThat(cl.enqueued).isEqualTo(1);
        assertThat(cl.lastGlobal).containsExactly(7);
    }

    @Test
    void theGlobalRangeIsRoundedUpToAMultipleOfTheLocalSize() {
        FakeContext cl = new FakeContext(FakeDevices.gpu(0, "GPU"));
        cl.launch(cl.kernel("gemm_tiled"), new long[] {640, 97, 1}, new long[] {16, 16, 1});
        assertThat(cl.lastGlobal).containsExactly(640, 112, 1);
    }

    @Test
    void launchesInFixedGroupsKeepOneGroupShapeWhateverTheRange() {
        FakeContext cl = new FakeContext(FakeDevices.cpu(0, "CPU"));
        Engine e = new Engine(cl, new KernelLibrary(cl, null));
        ClKernel update = cl.kernel("sgd_update");
        for (long n : new long[] {1, 10, 1000, 37_752_832}) {
            e.runInGroups(update, new long[] {n}, new long[] {1024});
            assertThat(cl.lastLocal).containsExactly(1024);
            assertThat(cl.lastGlobal[0] % 1024).isZero();
            assertThat(cl.lastGlobal[0]).isBetween(n, n + 1023);
        }
        // shrunk to the limits only, never to the range: a small device gets its largest group for every n
        FakeContext small = new FakeContext(FakeDevices.gpu(0, "GPU"));
        Engine g = new Engine(small, new KernelLibrary(small, null));
        g.runInGroups(small.kernel("pack_a"), new long[] {25, 3, 2}, new long[] {64, 16, 1});
        assertThat(small.lastLocal).containsExactly(16, 16, 1);
        assertThat(small.lastGlobal).containsExactly(32, 16, 2);
    }

    @Test
    void buffersAreTrackedUntilReleasedAndRefusedAfterwards() {
        FakeContext cl = new FakeContext(FakeDevices.gpu(0, "GPU"));
        ClBuffer a = cl.createBuffer(100, "a");
        ClBuffer b = cl.createBuffer(50, "b");
        assertThat(cl.liveBytes()).isEqualTo(150);
        a.close();
        a.close(); // a second close releases nothing more
        assertThat(cl.liveBytes()).isEqualTo(50);
        assertThat(cl.peakBytes()).isEqualTo(150);
        assertThatThrownBy(() -> cl.writeFloats(a, new float[] {1}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'a' used after release");
        assertThatThrownBy(() -> cl.kernel("k").arg(0, a)).hasMessageContaining("'a' used after release");
        cl.writeFloats(b, new float[0]); // an empty transfer enqueues nothing
        b.close();
        assertThat(cl.liveBytes()).isZero();
    }

    @Test
    void aRejectedProgramBinaryGivesNullSoTheCallerRebuildsFromSource() {
        FakeContext cl = new FakeContext(FakeDevices.gpu(0, "GPU"));
        assertThat(cl.programFromBinary("gemm.cl", new byte[] {1, 2, 3}, "")).isNull();
    }

    @Test
    void fitShrinksToTheDeviceTheKernelAndTheRange() {
        DeviceInfo gpu = FakeDevices.device(0, "GPU", "GPU", true, 1L << 30, 256, 1024, 64, 64);
        // Per-dimension limit (64 on dim 1), then the product limit of the device (256).
        assertThat(WorkGroups.fit(gpu, 0, new long[] {32, 128}, new long[] {1000, 1000})).containsExactly(16, 16);
        // The kernel's CL_KERNEL_WORK_GROUP_SIZE can be lower than the device's.
        assertThat(WorkGroups.fit(gpu, 64, new long[] {16, 16}, new long[] {1000, 1000})).containsExactly(8, 8);
        // Never larger than the range itself.
        assertThat(WorkGroups.fit(gpu, 0, new long[] {64, 4}, new long[] {5, 1000})).containsExactly(5, 4);
        assertThat(WorkGroups.fit(gpu, 0, null, new long[] {5})).isNull();
        assertThat(WorkGroups.maxGroupSize(gpu, 0)).isEqualTo(256);
        assertThat(WorkGroups.maxGroupSize(gpu, 128)).isEqualTo(128);
        for (long[] wanted : new long[][] {{1024, 1024, 1024}, {3, 999}, {1}}) {
            long[] got = WorkGroups.fit(gpu, 200, wanted, null);
            WorkGroups.requireFits(gpu, "k", 200, got); // whatever fit returns is launchable
        }
        assertThatThrownBy(() -> WorkGroups.fit(gpu, 0, new long[] {1, 1, 1, 1}, null)).hasMessageContaining("3 work-item dimensions");
    }

    @Test
    void aLocalSizeBeyondTheLimitsIsRefusedNamingKernelAndLimits() {
        DeviceInfo gpu = FakeDevices.device(0, "Old GPU", "GPU", true, 1L << 30, 256, 256, 256, 64);
        WorkGroups.requireFits(gpu, "gemm_tiled", 256, new long[] {16, 16, 1});
        WorkGroups.requireFits(gpu, "gemm_tiled", 256, null);
        assertThatThrownBy(() -> WorkGroups.requireFits(gpu, "gemm_tiled", 256, new long[] {32, 16, 1}))
                .isInstanceOf(ClException.class)
                .hasMessageContaining("'gemm_tiled'").hasMessageContaining("[32, 16, 1]").hasMessageContaining("Old GPU")
                .hasMessageContaining("512 work-items > CL_DEVICE_MAX_WORK_GROUP_SIZE = 256");
        assertThatThrownBy(() -> WorkGroups.requireFits(gpu, "gemm_tiled", 128, new long[] {16, 16, 1}))
                .hasMessageContaining("256 work-items > CL_KERNEL_WORK_GROUP_SIZE = 128");
        assertThatThrownBy(() -> WorkGroups.requireFits(gpu, "pool", 256, new long[] {1, 1, 128}))
                .hasMessageContaining("dimension 2 is 128 > CL_DEVICE_MAX_WORK_ITEM_SIZES[2] = 64");
    }

    @Test
    void deviceIndexOutOfRangeListsTheDevices() {
        List<DeviceInfo> devices = List.of(FakeDevices.gpu(0, "Radeon Fake"), FakeDevices.cpu(1, "Fake CPU"));
        assertThatThrownBy(() -> DeviceSelector.select(devices, 2, "any"))
                .isInstanceOf(DeviceSelector.NoDeviceException.class)
                .hasMessageContaining("device index 2 is out of range")
                .hasMessageContaining("are 2 devices")
                .hasMessageContaining("[0] Radeon Fake")
                .hasMessageContaining("[1] Fake CPU");
    }

    @Test
    void aDeviceWithoutACompilerIsRefusedByIndexAndSkippedByType() {
        DeviceInfo noCompiler = FakeDevices.device(0, "Embedded GPU", "GPU", false, 1L << 28, 128, 128, 128, 128);
        DeviceInfo cpu = FakeDevices.cpu(1, "Fake CPU");
        List<DeviceInfo> devices = List.of(noCompiler, cpu);
        assertThatThrownBy(() -> DeviceSelector.select(devices, 0, "any"))
                .isInstanceOf(DeviceSelector.NoDeviceException.class)
                .hasMessageContaining("Embedded GPU")
                .hasMessageContaining("no OpenCL C compiler")
                .hasMessageContaining("CL_DEVICE_COMPILER_AVAILABLE")
                .hasMessageContaining("[1] Fake CPU");
        assertThat(DeviceSelector.select(devices, -1, "any")).isSameAs(cpu);
        assertThatThrownBy(() -> DeviceSelector.select(devices, -1, "gpu"))
                .hasMessageContaining("no gpu device with an OpenCL compiler").hasMessageContaining("[0] Embedded GPU");
    }

    @Test
    void noPlatformExplainsHowToInstallARuntime() {
        assertThatThrownBy(() -> DeviceSelector.select(List.of(), -1, "any"))
                .hasMessageContaining("No OpenCL platform").hasMessageContaining("docs/devices.md");
    }
}
