package org.graft.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClBuildException;
import org.graft.opencl.DeviceInfo;
import org.graft.ops.gemm.GemmReference;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The GEMM auto-tuner: it times, picks the fastest, remembers on disk, and never trusts a damaged cache. */
class GemmTunerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int M = 96;
    private static final int N = 112;
    private static final int K = 80;

    /** Up-front tuning first runs every candidate once under Engine#plan (programs compiled, nothing launched). */
    private static final int PLANNED = 1;

    @TempDir
    Path dir;

    private AtomicInteger fastRuns;
    private AtomicInteger slowRuns;
    private GemmVariant fast;
    private GemmVariant slow;

    /** A real kernel run {@code repeat} times per call (beta = 0 only, so the result is the same): a known-slow candidate. */
    record Repeating(String id, int repeat, AtomicInteger runs) implements GemmVariant {
        @Override
        public String unsupported(DeviceInfo d) {
            return null;
        }

        @Override
        public boolean run(Engine e, GemmCall call) {
            runs.incrementAndGet();
            for (int i = 0; i < repeat; i++) {
                Gemm.run(e, Gemm.Path.SIMPLE, call);
            }
            return true;
        }
    }

    /** A candidate whose kernel does not compile on this device. */
    record Failing(String id) implements GemmVariant {
        @Override
        public String unsupported(DeviceInfo d) {
            return null;
        }

        @Override
        public boolean run(Engine e, GemmCall call) {
            throw new ClBuildException("gemm.cl", "test device", "error: simulated compiler failure", -11);
        }
    }

    /** A candidate beyond the device's limits: it must never be launched. */
    record TooBig(String id, AtomicInteger runs) implements GemmVariant {
        @Override
        public String unsupported(DeviceInfo d) {
            return "needs 1 GiB of local memory";
        }

        @Override
        public boolean run(Engine e, GemmCall call) {
            runs.incrementAndGet();
            return true;
        }
    }

    @BeforeEach
    void candidates() {
        fastRuns = new AtomicInteger();
        slowRuns = new AtomicInteger();
        fast = new Repeating("fast", 1, fastRuns);
        slow = new Repeating("slow", 30, slowRuns);
    }

    /** A tuner whose runs are not judged for their share of the cores (the share check has its own tests), so what is cached does not depend on the machine's load. */
    private GemmTuner tuner(List<GemmVariant> candidates) {
        GemmTuner t = new GemmTuner(candidates, new TuningCache(dir));
        t.clock(UNJUDGED);
        return t;
    }

    @Test
    void trainingTunesTheModelsBestFewAndItsStartChoice() {
        List<GemmVariant> ranked = new java.util.ArrayList<>();
        for (int mr = 4; mr <= 14; mr++) {
            ranked.add(GemmVariant.named("micro-" + mr + "x16-w16-k256-r16-u1"));
        }
        GemmVariant late = ranked.get(ranked.size() - 1);
        List<GemmVariant> withLate = GemmTuner.deferredShortlist(ranked, late);
        assertThat(withLate).hasSize(GemmTuner.DEFERRED_CANDIDATES + 1).startsWith(late)
                .containsAll(ranked.subList(0, GemmTuner.DEFERRED_CANDIDATES));
        assertThat(GemmTuner.deferredShortlist(ranked, ranked.get(0))).isEqualTo(ranked.subList(0, GemmTuner.DEFERRED_CANDIDATES));
        assertThat(GemmTuner.deferredShortlist(ranked.subList(0, 2), ranked.get(1))).isEqualTo(ranked.subList(0, 2));
    }

    @Test
    void picksTheFastestCandidateAndComputesTheProduct() {
        GemmTuner t = tuner(List.of(slow, fast));
        product(t, 0f);
        assertThat(t.choices()).containsValue("fast");
        assertThat(t.tunedShapes()).isEqualTo(1);
        assertThat(slowRuns.get()).as("several timed runs, not one").isGreaterThanOrEqualTo(2);
        int fastBefore = fastRuns.get();
        int slowBefore = slowRuns.get();
        product(t, 0f);
        assertThat(fastRuns.get()).as("a known shape runs the winner once, no timing").isEqualTo(fastBefore + 1);
        assertThat(slowRuns.get()).isEqualTo(slowBefore);
        assertThat(t.tunedShapes()).isEqualTo(1);
    }

    @Test
    void winnersAreReusedFromDiskByTheNextRun() throws IOException {
        product(tuner(List.of(slow, fast)), 0f);
        ObjectNode stored = (ObjectNode) JSON.readTree(cacheFile().toFile());
        assertThat(stored.get("device").asText()).isEqualTo(TestEngines.get().device().cacheKey());
        assertThat(stored.get("entries").fields().next().getValue().get("winner").asText()).isEqualTo("fast");

        candidates(); // fresh counters: as if a new process started
        GemmTuner next = tuner(List.of(slow, fast));
        product(next, 0f);
        assertThat(next.tunedShapes()).isZero();
        assertThat(next.cachedShapes()).isEqualTo(1);
        assertThat(slowRuns.get()).as("nothing timed on a cache hit").isZero();
        assertThat(fastRuns.get()).isEqualTo(1);
    }

    static Stream<Arguments> damage() {
        return Stream.of(
                Arguments.of("empty file", (UnaryOperator<String>) s -> ""),
                Arguments.of("truncated JSON", (UnaryOperator<String>) s -> s.substring(0, s.length() / 2)),
                Arguments.of("random text", (UnaryOperator<String>) s -> "\u0000\u00ff garbage {"),
                Arguments.of("a JSON array", (UnaryOperator<String>) s -> "[1, 2, 3]"),
                Arguments.of("another driver", (UnaryOperator<String>) s -> s.replace("\"device\" : \"", "\"device\" : \"other driver ")),
                Arguments.of("other kernels", (UnaryOperator<String>) s -> s.replaceFirst("\"signature\" : \"[0-9a-f]", "\"signature\" : \"x")),
                Arguments.of("future format", (UnaryOperator<String>) s -> s.replace("\"format\" : 1", "\"format\" : 99")),
                Arguments.of("winner that no longer exists", (UnaryOperator<String>) s -> s.replace("\"winner\" : \"fast\"", "\"winner\" : \"gone\"")),
                Arguments.of("entry without winner", (UnaryOperator<String>) s -> s.replace("\"winner\" : \"fast\"", "\"winner\" : 7")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damage")
    void damagedOrForeignCacheIsIgnoredAndRebuilt(String what, UnaryOperator<String> corrupt) throws IOException {
        product(tuner(List.of(slow, fast)), 0f);
        Path file = cacheFile();
        String good = Files.readString(file);
        String bad = corrupt.apply(good);
        assertThat(bad).as("the corruption changed the file").isNotEqualTo(good);
        Files.writeString(file, bad);

        candidates();
        GemmTuner next = tuner(List.of(slow, fast));
        product(next, 0f);
        assertThat(next.tunedShapes()).as("re-tuned instead of trusting the cache").isEqualTo(1);
        assertThat(next.choices()).containsValue("fast");
        ObjectNode rebuilt = (ObjectNode) JSON.readTree(file.toFile());
        assertThat(rebuilt.get("format").asInt()).isEqualTo(TuningCache.FORMAT);
        assertThat(rebuilt.get("signature").asText()).isEqualTo(next.signature());
        assertThat(rebuilt.get("entries").fields().next().getValue().get("winner").asText()).isEqualTo("fast");
    }

    @Test
    void failingAndOversizedCandidatesAreSkipped() {
        AtomicInteger bigRuns = new AtomicInteger();
        GemmTuner t = tuner(List.of(new Failing("broken"), new TooBig("huge", bigRuns), fast));
        product(t, 0f);
        assertThat(t.choices()).containsValue("fast");
        assertThat(bigRuns.get()).as("a candidate beyond the device's limits is never launched").isZero();
    }

    @Test
    void noRunnableCandidateIsAClearError() {
        GemmTuner t = tuner(List.of(new Failing("broken")));
        assertThatThrownBy(() -> product(t, 0f)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no candidate kernel could run");
    }

    /** Timing runs write a scratch C: a caller accumulating into C (beta = 1) gets A·B added exactly once. */
    @Test
    void accumulatingProductIsAddedOnceWhileTuningEveryRealCandidate() {
        Engine e = TestEngines.get();
        GemmTuner t = new GemmTuner(GemmVariant.candidates(e.device()), new TuningCache(dir));
        product(t, 1f);
        assertThat(t.tunedShapes()).isEqualTo(1);
    }

    /** End to end through Gemm with tuning switched on for a separate engine. */
    @Test
    void engineWithTuningRunsGemmOnTheTunedKernel() {
        Engine shared = TestEngines.get();
        try (Engine e = Engine.open(shared.cl().backendName(), -1, shared.device().isGpu() ? "gpu" : "cpu", false)) {
            e.enableGemmTuning(new TuningCache(dir));
            Random r = new Random(5);
            float[] a = RandomData.uniform(r, M * K, -1, 1);
            float[] b = RandomData.uniform(r, K * N, -1, 1);
            float[] expected = new float[M * N];
            GemmReference.gemm(false, false, M, N, K, 1f, a, 0, K, b, 0, N, 0f, expected, 0, N);
            try (ClBuffer da = e.alloc(a.length, "A"); ClBuffer db = e.alloc(b.length, "B"); ClBuffer dc = e.alloc(M * N, "C")) {
                e.cl().writeFloats(da, a);
                e.cl().writeFloats(db, b);
                Gemm.gemm(e, false, false, M, N, K, 1f, da, 0, db, 0, 0f, dc, 0);
                Tally.requireClose("tuned gemm", e.cl().readFloats(dc, M * N), expected, 1e-4, 1e-5);
            }
            assertThat(e.gemmTuner().tunedShapes()).isEqualTo(1);
            assertThat(e.gemmTuner().choices()).containsKey("NN m96 n112 k80 batch1");
            assertThat(Files.exists(new TuningCache(dir).file(e))).as("cached unless other load disturbed the timing")
                    .isEqualTo(e.gemmTuner().results().get(0).clean());
        }
    }

    private static DeviceInfo device(String type, int computeUnits) {
        return new DeviceInfo(0, 0, "p", "OpenCL 1.2", "d", "v", type, "OpenCL 1.2", "1", "OpenCL C 1.2", computeUnits,
                1L << 30, 1L << 28, 1L << 16, 1024, new long[] {1024, 1024, 64}, 16, true, false);
    }

    /**
     * A run is clean if the process's CPU time covered at least 75 % of the compute units over its wall
     * time, or if the machine's threads waited for a core during at most 25 % of it (a narrow product).
     */
    @Test
    void shareCheckJudgesCpuRunsByTheCoresTheyGot() {
        DeviceInfo cpu = device("CPU", 4);
        long wall = 10_000_000; // 10 ms
        long unknown = -1;
        assertThat(GemmTuner.fair(cpu, wall, 4 * wall, unknown)).isTrue();
        assertThat(GemmTuner.fair(cpu, wall, 3 * wall, unknown)).as("exactly 75 %").isTrue();
        assertThat(GemmTuner.fair(cpu, wall, 2 * wall, unknown)).as("half the cores: other load").isFalse();
        assertThat(GemmTuner.fair(cpu, wall, -1, unknown)).as("the JVM cannot tell: not judged").isTrue();
        assertThat(GemmTuner.fair(cpu, 100_000, 0, unknown)).as("a 0.1 ms run says nothing about its share").isTrue();
        assertThat(GemmTuner.fair(device("GPU", 40), wall, 0, unknown)).as("a GPU's kernels use no host cores").isTrue();
        assertThat(GemmTuner.fair(cpu, wall, wall, 0)).as("one core busy and no thread kept waiting: a narrow product").isTrue();
        assertThat(GemmTuner.fair(cpu, wall, wall, wall / 4)).as("waited exactly 25 % of the run").isTrue();
        assertThat(GemmTuner.fair(cpu, wall, wall, wall / 2)).as("threads waited for a core half the run: other load").isFalse();
        assertThat(GemmTuner.fair(cpu, wall, 4 * wall, wall)).as("its full share, however busy the machine").isTrue();
    }

    /**
     * Wall time advances 5 ms per reading; each CPU reading adds the next scripted share of the compute
     * units; the machine's wait for cores is unknown, or grows by {@code waiting} of each step.
     */
    private static final class ScriptedClock implements GemmTuner.Clock {
        private static final long STEP = 5_000_000;
        private final int computeUnits;
        private final double[] shares;
        private double waiting = -1;
        private long wall;
        private long cpu;
        private long waited;
        int reads;

        ScriptedClock(int computeUnits, double... shares) {
            this.computeUnits = computeUnits;
            this.shares = shares;
        }

        ScriptedClock waiting(double fractionOfEachStep) {
            waiting = fractionOfEachStep;
            return this;
        }

        @Override
        public long waitNanos() {
            return waiting < 0 ? -1 : (waited += (long) (waiting * STEP));
        }

        @Override
        public long wallNanos() {
            return wall += STEP;
        }

        @Override
        public long cpuNanos() {
            double share = shares[Math.min(reads++ / 2, shares.length - 1)]; // two readings (before, after) per run
            return cpu += (long) (share * computeUnits * STEP);
        }
    }

    @Test
    void winnerWhoseRunsNeverGotTheirShareIsUsedButNotCached() {
        Engine e = TestEngines.get();
        GemmTuner t = tuner(List.of(fast));
        t.clock(new ScriptedClock(e.device().computeUnits(), 0.3));
        product(t, 0f);
        GemmTuner.Result r = t.results().get(0);
        assertThat(r.winner()).isEqualTo("fast");
        boolean judged = !e.device().isGpu();
        assertThat(r.clean()).isEqualTo(!judged);
        assertThat(Files.exists(cacheFile())).as("a disturbed winner is not written to the cache").isEqualTo(!judged);
        if (judged) {
            // planned (nothing launched), warm-up, REPETITIONS timed runs each tried 1 + SHARE_RETRIES times, the real call
            assertThat(fastRuns.get()).isEqualTo(PLANNED + 1 + GemmTuner.REPETITIONS * (1 + GemmTuner.SHARE_RETRIES) + 1);
        }
    }

    @Test
    void runThatGotItsShareOnARetryCounts() {
        Engine e = TestEngines.get();
        GemmTuner t = tuner(List.of(fast));
        t.clock(new ScriptedClock(e.device().computeUnits(), 0.3, 1.0));
        product(t, 0f);
        assertThat(t.results().get(0).clean()).isTrue();
        assertThat(Files.exists(cacheFile())).isTrue();
        if (!e.device().isGpu()) {
            assertThat(fastRuns.get()).as("planned, warm-up, one retried run, the other timed runs, the real call")
                    .isEqualTo(PLANNED + 1 + 2 + (GemmTuner.REPETITIONS - 1) + 1);
        }
    }

    @Test
    void narrowProductOnAnIdleMachineIsCachedThoughItUsedFewCores() {
        Engine e = TestEngines.get();
        GemmTuner t = tuner(List.of(fast));
        t.clock(new ScriptedClock(e.device().computeUnits(), 0.3).waiting(0));
        product(t, 0f);
        assertThat(t.results().get(0).clean()).isTrue();
        assertThat(Files.exists(cacheFile())).isTrue();
        if (!e.device().isGpu()) {
            assertThat(fastRuns.get()).as("planned, warm-up, timed runs without retries, the real call")
                    .isEqualTo(PLANNED + 1 + GemmTuner.REPETITIONS + 1);
        }
    }

    @Test
    void fewCoresWhileThreadsWaitedIsOtherLoadAndNotCached() {
        Engine e = TestEngines.get();
        GemmTuner t = tuner(List.of(fast));
        t.clock(new ScriptedClock(e.device().computeUnits(), 0.3).waiting(0.8));
        product(t, 0f);
        boolean judged = !e.device().isGpu();
        assertThat(t.results().get(0).clean()).isEqualTo(!judged);
        assertThat(Files.exists(cacheFile())).isEqualTo(!judged);
    }

    /** Timing uses the real wall clock; CPU time unknown, so every run counts. */
    private static final GemmTuner.Clock UNJUDGED = new GemmTuner.Clock() {
        @Override
        public long wallNanos() {
            return System.nanoTime();
        }

        @Override
        public long cpuNanos() {
            return -1;
        }
    };

    /** A clock that only moves when a {@link Costly} candidate runs: timings decided by the test, not by the machine. */
    private static final class FakeTime implements GemmTuner.Clock {
        long now;

        @Override
        public long wallNanos() {
            return now;
        }

        @Override
        public long cpuNanos() {
            return -1; // not judged
        }
    }

    /** Computes the product (the simple kernel) and takes {@code ms} of fake time per run. */
    record Costly(String id, double ms, FakeTime time, AtomicInteger runs) implements GemmVariant {
        @Override
        public String unsupported(DeviceInfo d) {
            return null;
        }

        @Override
        public boolean run(Engine e, GemmCall call) {
            runs.incrementAndGet();
            time.now += (long) (ms * 1e6);
            Gemm.run(e, Gemm.Path.SIMPLE, call);
            return true;
        }
    }

    /** Every candidate is screened by one run; only the best few (not far behind) are timed to the median. */
    @Test
    void onlyTheBestScreenedCandidatesAreTimedToTheMedian() {
        FakeTime time = new FakeTime();
        double[] ms = {9, 1, 2, 3, 5, 3.5};
        List<AtomicInteger> runs = new java.util.ArrayList<>();
        List<GemmVariant> candidates = new java.util.ArrayList<>();
        for (int i = 0; i < ms.length; i++) {
            runs.add(new AtomicInteger());
            candidates.add(new Costly("c" + i, ms[i], time, runs.get(i)));
        }
        GemmTuner t = tuner(candidates);
        t.clock(time);
        product(t, 0f);
        assertThat(t.choices()).containsValue("c1");
        // c0 (9 ms) is more than 4x the best: out; of the rest the fastest three (1, 2, 3 ms) are finalists.
        int[] expected = {2, 1 + GemmTuner.REPETITIONS + 1, GemmTuner.REPETITIONS + 1, GemmTuner.REPETITIONS + 1, 2, 2};
        for (int i = 0; i < ms.length; i++) {
            assertThat(runs.get(i).get()).as("runs of c%d (%s ms): planned, warm-up, timed%s", i, ms[i], i == 1 ? ", the real call" : "")
                    .isEqualTo(PLANNED + expected[i]);
        }
        assertThat(t.results().get(0).ms()).containsOnlyKeys("c0", "c1", "c2", "c3", "c4", "c5").containsEntry("c1", 1.0);
    }

    /** Screening stops once a shape has taken its time bound; the best screened so far go to the final. */
    @Test
    void screeningStopsAtTheShapesTimeBound() {
        FakeTime time = new FakeTime();
        AtomicInteger early = new AtomicInteger();
        AtomicInteger late = new AtomicInteger();
        double slow = GemmTuner.SHAPE_BOUND_SECONDS * 1000 / 2; // warm-up plus one run: the whole bound
        GemmTuner t = tuner(List.of(new Costly("early", slow, time, early), new Costly("late", 1, time, late)));
        t.clock(time);
        product(t, 0f);
        assertThat(late.get()).as("planned only, never screened").isEqualTo(PLANNED);
        assertThat(t.choices()).containsValue("early");
    }

    /** Deferred mode: the model's choice (first ranked) runs at once untimed; tuning happens in budgeted steps afterwards. */
    @Test
    void deferredShapeRunsTheModelsChoiceAndIsTunedBetweenIterations() throws IOException {
        Engine e = TestEngines.get();
        GemmTuner t = tuner(List.of(slow, fast));
        t.clock(UNJUDGED);
        t.deferUntuned();
        product(t, 0f);
        assertThat(slowRuns.get()).as("the model's choice, run once, no timing").isEqualTo(1);
        assertThat(fastRuns.get()).as("nothing else compiled or run").isZero();
        assertThat(t.pendingShapes()).isEqualTo(1);
        assertThat(t.choices()).containsValue("slow");

        t.afterIteration(e, 1e-9); // no tuning done yet: one step is allowed
        int left = t.pendingSteps();
        assertThat(left).isLessThan(2 + GemmTuner.FINALISTS);
        t.afterIteration(e, 1e-9); // that step took far more than 20 % of 2 ns of training: no step now
        assertThat(t.pendingSteps()).isEqualTo(left);

        for (int i = 0; i < 20 && t.pendingShapes() > 0; i++) {
            t.afterIteration(e, 1000);
        }
        assertThat(t.pendingShapes()).isZero();
        assertThat(t.choices()).containsValue("fast");
        assertThat(t.tunedShapes()).isEqualTo(1);
        assertThat(JSON.readTree(cacheFile().toFile()).get("entries").fields().next().getValue().get("winner").asText()).isEqualTo("fast");
        int fastBefore = fastRuns.get();
        product(t, 1f);
        assertThat(fastRuns.get()).as("the next call runs the winner").isEqualTo(fastBefore + 1);
    }

    @Test
    void forceRetimesACachedShape() {
        product(tuner(List.of(slow, fast)), 0f);
        GemmTuner again = tuner(List.of(slow, fast));
        again.force(true);
        product(again, 0f);
        assertThat(again.cachedShapes()).isZero();
        assertThat(again.tunedShapes()).isEqualTo(1);
        assertThat(again.results().get(0).fromCache()).isFalse();
    }

    /** C = A·B + beta·C through {@code t}, checked against the reference. */
    private static void product(GemmTuner t, float beta) {
        Engine e = TestEngines.get();
        Random r = new Random(11);
        float[] a = RandomData.uniform(r, M * K, -1, 1);
        float[] b = RandomData.uniform(r, K * N, -1, 1);
        float[] c = RandomData.uniform(r, M * N, -1, 1);
        float[] expected = c.clone();
        GemmReference.gemm(false, false, M, N, K, 1f, a, 0, K, b, 0, N, beta, expected, 0, N);
        try (ClBuffer da = e.alloc(a.length, "A"); ClBuffer db = e.alloc(b.length, "B"); ClBuffer dc = e.alloc(c.length, "C")) {
            e.cl().writeFloats(da, a);
            e.cl().writeFloats(db, b);
            e.cl().writeFloats(dc, c);
            t.run(e, new GemmCall(false, false, false, M, N, K, 1f, da, 0, K, 0, db, 0, N, 0, beta, dc, 0, N, 0, 1));
            Tally.requireClose("tuned gemm", e.cl().readFloats(dc, c.length), expected, 1e-4, 1e-5);
        }
    }

    private Path cacheFile() {
        return new TuningCache(dir).file(TestEngines.get());
    }
}
