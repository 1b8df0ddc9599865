package org.graft.kernels;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.opencl.ClException;
import org.graft.opencl.ClKernel;
import org.graft.opencl.DeviceInfo;
import org.graft.opencl.WorkGroups;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

/**
 * Portability on the test device (run by CI on each backend and on PoCL's pthread and basic drivers):
 * every limit Graft relies on is queried and sane, requests beyond the limits are refused before the
 * driver sees them, and the kernel sources use nothing beyond plain OpenCL C 1.2 in fp32.
 */
class DevicePortabilityTest {

    @Test
    void everyLimitIsQueriedFromTheDriver() {
        DeviceInfo d = TestEngines.get().device();
        assertThat(d.maxAllocBytes()).as("CL_DEVICE_MAX_MEM_ALLOC_SIZE").isPositive().isLessThanOrEqualTo(d.globalMemBytes());
        assertThat(d.globalMemBytes()).as("CL_DEVICE_GLOBAL_MEM_SIZE").isPositive();
        assertThat(d.localMemBytes()).as("CL_DEVICE_LOCAL_MEM_SIZE").isPositive();
        assertThat(d.maxWorkGroupSize()).as("CL_DEVICE_MAX_WORK_GROUP_SIZE").isPositive();
        assertThat(d.maxWorkItemSizes()).as("CL_DEVICE_MAX_WORK_ITEM_SIZES").hasSizeGreaterThanOrEqualTo(3);
        for (long s : d.maxWorkItemSizes()) {
            assertThat(s).isPositive();
        }
        assertThat(d.computeUnits()).isPositive();
        assertThat(d.preferredFloatVectorWidth()).as("CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT").isPositive();
        assertThat(d.compilerAvailable()).isTrue();
        assertThat(d.openclCVersion()).contains("OpenCL C");
    }

    @Test
    void aTensorLargerThanTheSingleAllocationLimitIsRefusedWithBothSizes() {
        Engine e = TestEngines.get();
        long max = e.device().maxAllocBytes();
        long floats = max / 4 + 1;
        // Refused before anything is allocated, so this costs no memory even on a small machine.
        assertThatThrownBy(() -> e.alloc(floats, "huge"))
                .isInstanceOf(ClException.class)
                .hasMessageContaining("'huge'")
                .hasMessageContaining("(" + floats * 4 + " bytes)")
                .hasMessageContaining("(" + max + " bytes)")
                .hasMessageContaining("CL_DEVICE_MAX_MEM_ALLOC_SIZE");
        long live = e.cl().liveBytes();
        if (floats <= Integer.MAX_VALUE) {
            try (Blob blob = new Blob(e, "fc6.weights", (int) floats)) {
                assertThatThrownBy(blob::data).hasMessageContaining("'fc6.weights.data'").hasMessageContaining("(" + max + " bytes)");
            }
        }
        assertThat(e.cl().liveBytes()).isEqualTo(live);
    }

    @Test
    void aLocalSizeBeyondTheKernelsLimitIsRefusedBeforeLaunch() {
        Engine e = TestEngines.get();
        ClKernel k = e.kernel("pair_sum.cl", "pair_sum");
        long kernelMax = k.maxWorkGroupSize();
        assertThat(kernelMax).as("CL_KERNEL_WORK_GROUP_SIZE").isPositive().isLessThanOrEqualTo(e.device().maxWorkGroupSize());
        long tooMany = WorkGroups.maxGroupSize(e.device(), kernelMax) + 1;
        assertThatThrownBy(() -> e.run(k, new long[] {tooMany}, new long[] {tooMany}))
                .isInstanceOf(ClException.class)
                .hasMessageContaining("'pair_sum'")
                .hasMessageContaining("[" + tooMany + "]");
        long[] fitted = WorkGroups.fit(e.device(), kernelMax, new long[] {1L << 20}, new long[] {1L << 20});
        assertThat(fitted[0]).isBetween(1L, WorkGroups.maxGroupSize(e.device(), kernelMax));
    }

    /** Things some vendor's OpenCL 1.2 compiler lacks or rejects. */
    private static final List<Pattern> FORBIDDEN = List.of(
            Pattern.compile("\\bdouble\\d*\\b"),                // fp64 is optional (cl_khr_fp64)
            Pattern.compile("\\bhalf\\d*\\b"),                  // so is fp16
            Pattern.compile("#pragma\\s+OPENCL\\s+EXTENSION"),  // no extensions at all
            Pattern.compile("\\bcl_(khr|amd|nv|intel)_\\w+"),
            Pattern.compile("reqd_work_group_size"),            // work-group sizes come from the host, per device
            Pattern.compile("\\bprintf\\s*\\("),
            Pattern.compile("\\batom_\\w+\\s*\\("));             // 1.0 extension atomics (atomic_* on 32-bit ints are core 1.1)

    @Test
    void kernelSourcesUseOnlyPortableOpenClC12() throws IOException {
        List<String> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(Repo.path("kernels"))) {
            files = s.filter(p -> p.toString().endsWith(".cl")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            String code = codeOnly(Files.readString(f));
            for (Pattern p : FORBIDDEN) {
                Matcher m = p.matcher(code);
                if (m.find()) {
                    problems.add(f.getFileName() + ": '" + m.group() + "'");
                }
            }
        }
        assertThat(problems).as("non-portable constructs in kernels/*.cl").isEmpty();
    }

    /** The code without comments and string literals (an #error message may say "half"). */
    private static String codeOnly(String src) {
        return src.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ").replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
    }
}
