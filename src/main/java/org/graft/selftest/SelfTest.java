package org.graft.selftest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.graft.engine.Engine;
import org.graft.kernels.Gemm;
import org.graft.opencl.DeviceInfo;
import org.graft.ops.Cases;

/**
 * Runs kernel and layer checks ({@link Cases#all()}) on one device and collects one {@link Row} per
 * case. A case that throws is a failure of that case; the others still run, so one broken kernel
 * does not hide the state of the rest.
 */
public final class SelfTest {
    private SelfTest() {
    }

    /** One line of the table. {@code failures} holds the first few failure messages. */
    public record Row(String name, int shapes, double maxAbsError, double maxRelError, String tolerance,
                      double worstFraction, boolean passed, long millis, int failureCount, List<String> failures) {
    }

    /** Everything one device reported. */
    public record Report(DeviceInfo device, String backend, Effort effort, long seed, List<Row> rows, long millis) {
        public boolean passed() {
            return rows.stream().allMatch(Row::passed);
        }

        public long failedRows() {
            return rows.stream().filter(r -> !r.passed()).count();
        }
    }

    /** Runs {@code cases} in order, handing each finished row to {@code progress} (may be null). */
    public static Report run(Engine e, List<SelfTestCase> cases, Effort effort, long seed, Consumer<Row> progress) {
        long start = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        for (SelfTestCase c : cases) {
            Row row = runOne(e, c, effort, seed);
            rows.add(row);
            if (progress != null) {
                progress.accept(row);
            }
        }
        Gemm.releaseWorkspace(e);
        return new Report(e.device(), e.cl().backendName(), effort, seed, List.copyOf(rows), (System.nanoTime() - start) / 1_000_000);
    }

    public static Report run(Engine e, Effort effort, long seed, Consumer<Row> progress) {
        return run(e, Cases.all(), effort, seed, progress);
    }

    /** One case with its own random stream (seed and name), so filtering cases does not change the shapes of the others. */
    static Row runOne(Engine e, SelfTestCase c, Effort effort, long seed) {
        Tally t = new Tally();
        long start = System.nanoTime();
        try {
            c.run(e, effort, new Random(seed * 31 + c.name().hashCode()), t);
            e.finish();
        } catch (RuntimeException ex) {
            t.crashed(ex);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Row(c.name(), t.shapes(), t.maxAbsError(), t.maxRelError(), c.tolerance(), t.worstFraction(),
                t.passed() && t.comparisons() > 0, millis, t.failureCount(), t.failures());
    }
}
