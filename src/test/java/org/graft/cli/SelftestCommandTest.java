package org.graft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.graft.opencl.ClBackend;
import org.graft.opencl.DeviceInfo;
import org.graft.selftest.SelfTestTest;
import org.junit.jupiter.api.Test;
import org.graft.testing.CliRun;

/**
 * {@code selftest} from the command line. The multi-device and basic-driver runs need PoCL, whose
 * POCL_DEVICES variable must be set before the JVM opens OpenCL, so they run in a child JVM.
 */
class SelftestCommandTest {
    private static final String BACKEND = System.getProperty("graft.backend", "jocl");

    @Test
    void deviceOutOfRangeListsTheDevicesAndFails() {
        Output out = runHere("selftest", "--backend", BACKEND, "--device", "99", "--quick");
        assertThat(out.code).isNotZero();
        assertThat(out.err).contains("error: device index 99 is out of range").contains("[0] ");
        assertThat(out.out).doesNotContain("PASS");
    }

    @Test
    void devicesOutOfRangeOrRepeatedFailBeforeAnythingRuns() {
        Output out = runHere("selftest", "--backend", BACKEND, "--devices", "0,99", "--quick");
        assertThat(out.code).isNotZero();
        assertThat(out.err).contains("device index 99 is out of range").contains("[0] ");
        Output twice = runHere("selftest", "--backend", BACKEND, "--devices", "0,0", "--quick");
        assertThat(twice.code).isNotZero();
        assertThat(twice.err).contains("device 0 is listed twice");
    }

    @Test
    void onlyMustMatchACheck() {
        Output out = runHere("selftest", "--backend", BACKEND, "--only", "nosuchlayer");
        assertThat(out.code).isNotZero();
        assertThat(out.err).contains("matches no check").contains("Convolution gradient");
    }

    @Test
    void onlyRunsTheNamedRows() {
        Output out = runHere("selftest", "--backend", BACKEND, "--quick", "--only", "split,relu");
        assertThat(out.code).as(out.err).isZero();
        // "relu" is a word prefix of the fused rows too (Convolution+ReLU, InnerProduct+ReLU), never of PReLU.
        assertThat(out.out).contains("ReLU gradient").contains("Split gradient").contains("Convolution+ReLU gradient")
                .contains("PASS: 8 of 8 checks passed").doesNotContain("Gemm").doesNotContain("PReLU");
    }

    /** Two PoCL pthread devices at once, one thread and one engine each: both report PASS, exit code 0. */
    @Test
    void twoDevicesAtOnceBothPass() throws Exception {
        assumeTrue(onPocl(), "needs PoCL (POCL_DEVICES makes two devices)");
        Output out = runChild("pthread pthread", "selftest", "--backend", BACKEND, "--devices", "0,1", "--quick", "--no-cache");
        assertThat(out.code).as(out.out + out.err).isZero();
        assertThat(out.out).contains("Running selftest on 2 devices at once")
                .doesNotContain("FAIL");
        // The summary names each device by index; the driver's name between the parentheses may itself hold
        // parentheses ("Intel(R) Xeon(R)"), so only the line's start and end are matched.
        assertThat(summaryLine(out.out, 0)).endsWith("): PASS");
        assertThat(summaryLine(out.out, 1)).endsWith("): PASS");
        assertThat(out.out.split(SelfTestTest.allPassed(), -1)).hasSize(3);
    }

    /** PoCL's 'basic' driver compiles kernels differently from 'pthread': this machine's stand-in for another vendor. */
    @Test
    void basicDriverPasses() throws Exception {
        assumeTrue(onPocl(), "needs PoCL");
        Output out = runChild("basic", "selftest", "--backend", BACKEND, "--device", "0", "--quick", "--no-cache");
        assertThat(out.code).as(out.out + out.err).isZero();
        assertThat(out.out).contains("Graft selftest on #0 ").contains(SelfTestTest.allPassed()).doesNotContain("FAIL");
    }

    /** The one summary line "device N (driver's name): PASS|FAIL" for device N. */
    private static String summaryLine(String out, int device) {
        List<String> lines = out.lines().filter(l -> l.startsWith("device " + device + " (")).toList();
        assertThat(lines).as("summary line of device %d in:%n%s", device, out).hasSize(1);
        return lines.get(0);
    }

    private static boolean onPocl() {
        List<DeviceInfo> devices = ClBackend.named(BACKEND).devices();
        return !devices.isEmpty() && devices.get(0).platformName().contains("Portable Computing Language");
    }

    private record Output(int code, String out, String err) {
    }

    private static Output runHere(String... args) {
        CliRun r = CliRun.run(args);
        return new Output(r.code(), r.out(), r.err());
    }

    /** Runs org.graft.cli.Main in a fresh JVM with POCL_DEVICES set. */
    private static Output runChild(String poclDevices, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.graft.cli.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("POCL_DEVICES", poclDevices);
        // PoCL's kernel cache of its own: this test's forks and the suite's other PoCL users compile the same
        // kernels at the same time, and a cache they all write to once made a child fail. Kept between runs.
        Path poclCache = Path.of("target", "pocl-cache-selftest-child").toAbsolutePath();
        java.nio.file.Files.createDirectories(poclCache);
        pb.environment().put("POCL_CACHE_DIR", poclCache.toString());
        Path err = java.nio.file.Files.createTempFile("selftest", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("selftest child JVM did not finish in 10 minutes; output so far:\n" + out);
        }
        String errText = java.nio.file.Files.readString(err);
        java.nio.file.Files.deleteIfExists(err);
        return new Output(p.exitValue(), out, errText);
    }
}
