package org.graft.opencl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class DeviceFactsTest {
    /** The 2-core Intel Xeon (Emerald Rapids) of /work/shared/research/intel-xeon-measurements.md, as PoCL and Linux describe it. */
    public static final DeviceInfo INTEL_DEVICE = cpu("pthread-skylake-avx512-Intel(R) Xeon(R) Processor", 16, 272_629_760L, 64);
    public static final List<Map<String, String>> INTEL_CACHES = List.of(
            index("1", "Data", "48K"), index("1", "Instruction", "32K"), index("2", "Unified", "2048K"),
            index("3", "Unified", "266240K"));
    public static final String INTEL_CPUINFO = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\n"
            + "flags\t\t: fpu vme sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512cd avx512bw avx512vl\n";

    /** An AVX2-only desktop CPU (Haswell): PoCL names its target, the flags have no avx512f. */
    public static final DeviceInfo AVX2_DEVICE = cpu("pthread-haswell-Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz", 8, 8L << 20, 64);
    public static final List<Map<String, String>> AVX2_CACHES = List.of(
            index("1", "Data", "32K"), index("1", "Instruction", "32K"), index("2", "Unified", "256K"), index("3", "Unified", "8192K"));
    public static final String AVX2_CPUINFO = "flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2\n";

    public static DeviceInfo cpu(String name, int vectorWidth, long cacheBytes, int line) {
        return new DeviceInfo(0, 0, "Portable Computing Language", "OpenCL 3.0 PoCL", name, "GenuineIntel", "CPU", "OpenCL 3.0",
                "3.1", "OpenCL C 1.2", 2, 16L << 30, 4L << 30, 2L << 20, 4096, new long[] {4096, 4096, 4096}, vectorWidth,
                true, true, cacheBytes, line);
    }

    static Map<String, String> index(String level, String type, String size) {
        return Map.of("level", level + "\n", "type", type + "\n", "size", size + "\n", "coherency_line_size", "64\n");
    }

    @Test
    void intelXeonCachesAndAvx512RegistersComeFromSysfsAndTheDeviceName() {
        DeviceFacts f = DeviceFacts.parse(INTEL_DEVICE, INTEL_CACHES, INTEL_CPUINFO);
        assertThat(f.l1dBytes()).isEqualTo(48 * 1024);
        assertThat(f.l2Bytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(f.l3Bytes()).isEqualTo(266240L * 1024);
        assertThat(f.lineBytes()).isEqualTo(64);
        assertThat(f.vectorRegisters()).isEqualTo(32);
        assertThat(f.vectorFloats()).isEqualTo(16);
    }

    @Test
    void avx2MachineHasSixteenEightFloatRegisters() {
        DeviceFacts f = DeviceFacts.parse(AVX2_DEVICE, AVX2_CACHES, AVX2_CPUINFO);
        assertThat(f.l1dBytes()).isEqualTo(32 * 1024);
        assertThat(f.l2Bytes()).isEqualTo(256 * 1024);
        assertThat(f.vectorRegisters()).isEqualTo(16);
        assertThat(f.vectorFloats()).isEqualTo(8);
        assertThat(f.source()).contains("cpuinfo avx2");
    }

    /** No sysfs (another OS, a container): the driver's L3 and line, default L1d/L2, width from the driver. */
    @Test
    void withoutFilesTheDriverFiguresAndSafeDefaultsApply() {
        DeviceFacts f = DeviceFacts.parse(cpu("some-cpu", 4, 12L << 20, 128), List.of(), "");
        assertThat(f.l1dBytes()).isEqualTo(32 * 1024);
        assertThat(f.l2Bytes()).isEqualTo(1024 * 1024);
        assertThat(f.l3Bytes()).isEqualTo(12L << 20);
        assertThat(f.lineBytes()).isEqualTo(128);
        assertThat(f.vectorRegisters()).isEqualTo(16);
        assertThat(f.vectorFloats()).isEqualTo(4);
        DeviceFacts arm = DeviceFacts.parse(cpu("cpu-cortex-a76", 4, 0, 0), List.of(), "Features\t: fp asimd evtstrm aes crc32\n");
        assertThat(arm.vectorRegisters()).isEqualTo(32);
        assertThat(arm.vectorFloats()).isEqualTo(4);
        assertThat(arm.lineBytes()).isEqualTo(64);
    }

    @Test
    void sizesInSysfsUnits() {
        assertThat(DeviceFacts.bytes("48K\n")).isEqualTo(48 * 1024);
        assertThat(DeviceFacts.bytes("260M")).isEqualTo(260L << 20);
        assertThat(DeviceFacts.bytes("65536")).isEqualTo(65536);
        assertThat(DeviceFacts.bytes("")).isZero();
        assertThat(DeviceFacts.bytes("garbage")).isZero();
    }
}
