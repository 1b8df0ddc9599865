package org.graft.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.DeviceFacts;
import org.graft.ops.gemm.GemmReference;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GemmTest {
    /** Fills the padding of C (outside the product); it must come back unchanged. */
    private static final float PAD = 7.25f;

    /** Awkward shapes: 1-wide, K = 1, sizes off every tile multiple, K longer than a k-block. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 37, 9}, {37, 1, 9}, {5, 7, 1}, {12, 16, 5}, {13, 17, 19}, {25, 33, 70},
        {40, 33, 1100}, {130, 70, 40}, {3, 200, 64},
    };

    static Stream<Arguments> everyPathShapeAndTranspose() {
        List<Arguments> cases = new ArrayList<>();
        for (Gemm.Path path : Gemm.Path.values()) {
            for (int[] s : SHAPES) {
                for (int t = 0; t < 4; t++) {
                    cases.add(Arguments.of(path, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
                }
            }
        }
        return cases.stream();
    }

    /**
     * Every kernel, on padded operands (leading dimensions wider than the rows, non-zero offsets) in a
     * batch of 2. Alternating cases use beta = 0 with NaN in C (C must not be read) and beta = 0.5.
     * Tolerance: as above, plus K·1e-6 for the long sums (K = 1100), far above K·2^-24 per term.
     */
    @ParameterizedTest(name = "{0} M={1} N={2} K={3} tA={4} tB={5}")
    @MethodSource("everyPathShapeAndTranspose")
    void everyPathMatchesReferenceOnPaddedBatches(Gemm.Path path, int m, int n, int k, boolean tA, boolean tB) {
        boolean betaZero = (m + n + k + (tA ? 1 : 0)) % 2 == 0;
        Problem p = new Problem(new Random(m * 131L + n * 17L + k + (tA ? 5 : 0) + (tB ? 11 : 0)), m, n, k, tA, tB,
                -0.75f, betaZero ? 0f : 0.5f, 2);
        Engine e = TestEngines.get();
        p.check(e, call -> Gemm.run(e, path, call), path.toString(), 1e-4 + 1e-6 * k);
    }

    /**
     * The CPU micro-kernel under configurations other than the default (which the test above covers),
     * so odd block sizes, k-blocking, row/column blocking of the packed copies, in-place (unpacked)
     * operands, the transposed formulation and explicit work-group sizes are all exercised.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("microConfigs")
    void microKernelConfigurationsMatchReference(GemmMicro.Config cfg) {
        Engine e = TestEngines.get();
        int[][] shapes = {{29, 45, 23}, {1, 19, 37}, {45, 2, 17}, {64, 64, 100}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean tA = (t & 1) != 0;
                boolean tB = (t & 2) != 0;
                Problem p = new Problem(new Random(s[0] + 7L * t + cfg.hashCode()), s[0], s[1], s[2], tA, tB,
                        1.5f, t % 2 == 0 ? 0f : -1f, 3);
                p.check(e, call -> GemmMicro.run(e, call, cfg), cfg.toString(), 1e-4);
            }
        }
    }

    /**
     * A batch whose A or B is one operand for every entry (stride 0: the 1×1 convolution's weights
     * against each image): packed once, read by every entry, in every micro-kernel configuration.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("microConfigs")
    void microKernelSharesAnOperandSharedByTheBatch(GemmMicro.Config cfg) {
        Engine e = TestEngines.get();
        int[][] shapes = {{29, 45, 23}, {45, 2, 17}};
        for (int[] s : shapes) {
            for (int t = 0; t < 8; t++) {
                boolean tA = (t & 1) != 0;
                boolean tB = (t & 2) != 0;
                boolean sharedA = (t & 4) == 0;
                Problem p = new Problem(new Random(s[0] + 11L * t + cfg.hashCode()), s[0], s[1], s[2], tA, tB,
                        0.5f, t % 2 == 0 ? 0f : 1f, 3, sharedA, !sharedA);
                p.check(e, call -> GemmMicro.run(e, call, cfg), cfg + (sharedA ? " shared A" : " shared B"), 1e-4);
            }
        }
    }

    static Stream<GemmMicro.Config> microConfigs() {
        return Stream.of(
                // odd block, short k-blocks, packing free (always pack), packed copies bounded to a few panels (so row
                // and column blocks), small bands, explicit work-group size
                new GemmMicro.Config(5, 8, 1, 1, 7, 6, 3, 4, 0, 0.15, 0.5, 3 * 7 * 16),
                // packing prohibitive: in-place A and B, transposed formulation chosen to avoid packing
                new GemmMicro.Config(3, 4, 1, 1, 64, 9, 1, 0, 1e9, 0.15, 0.5, 1L << 20),
                // several vectors per row (one partial in an in-place B's last panel), unrolled k loop with a remainder
                new GemmMicro.Config(3, 4, 3, 3, 10, 7, 2, 0, 1e9, 0.15, 0.5, 1L << 20),
                new GemmMicro.Config(5, 8, 2, 4, 13, 6, 2, 0, 0, 0.15, 0.5, 3 * 13 * 16));
    }

    static Stream<Arguments> everyTuningCandidate() {
        List<Arguments> out = new ArrayList<>();
        for (GemmVariant v : GemmVariant.cpuCandidates(DeviceFacts.of(TestEngines.get().device()))) {
            out.add(Arguments.of(v.id(), v));
        }
        for (GemmVariant v : GemmVariant.gpuCandidates()) {
            out.add(Arguments.of(v.id(), v));
        }
        return out.stream();
    }

    /**
     * Every kernel configuration the auto-tuner may pick (for CPUs and for GPUs) against the reference,
     * on awkward padded batched shapes in all four transpose cases; a GPU tile that the test device
     * cannot hold is reported unsupported, which is what the tuner checks before timing it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyTuningCandidate")
    void everyTuningCandidateMatchesReference(String id, GemmVariant v) {
        Engine e = TestEngines.get();
        if (v.unsupported(e.device()) != null) {
            assertThat(v).isInstanceOf(GemmVariant.Tiled.class);
            return;
        }
        int[][] shapes = {{1, 37, 9}, {29, 45, 23}, {130, 70, 40}, {17, 3, 300}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean tA = (t & 1) != 0;
                boolean tB = (t & 2) != 0;
                Problem p = new Problem(new Random(s[1] * 13L + t + id.hashCode()), s[0], s[1], s[2], tA, tB,
                        0.5f, t % 2 == 0 ? 0f : 1f, 2);
                p.check(e, call -> assertThat(v.run(e, call)).as("%s accepted its work-group size", id).isTrue(), id, 1e-4 + 1e-6 * s[2]);
            }
        }
    }

    /**
     * One configuration per vector shape (width × vectors per row) of the spaces generated for other
     * machines (the Intel Xeon, an AVX2 CPU, a 4-wide SSE/NEON one), k-blocked (kc cut to 11 so K = 40
     * takes four blocks with beta = 1 after the first): the kernel code those devices would build, checked
     * here. Unroll depths rotate through 1, 2 and 4 so each depth meets several block shapes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("otherMachinesSample")
    void generatedSpacesOfOtherMachinesMatchReference(String id, GemmMicro.Config cfg) {
        Engine e = TestEngines.get();
        int[][] shapes = {{29, 45, 40}, {7, 70, 23}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean tA = (t & 1) != 0;
                boolean tB = (t & 2) != 0;
                Problem p = new Problem(new Random(s[0] * 31L + t + id.hashCode()), s[0], s[1], s[2], tA, tB,
                        -1.25f, t % 2 == 0 ? 0f : 1f, 2);
                p.check(e, call -> GemmMicro.run(e, call, cfg), id, 1e-4);
            }
        }
    }

    static Stream<Arguments> otherMachinesSample() {
        List<Arguments> out = new ArrayList<>();
        java.util.Set<String> shapes = new java.util.HashSet<>();
        int[] depths = {1, 2, 4};
        for (DeviceFacts f : List.of(GemmSpaceTest.INTEL, GemmSpaceTest.AVX2, GemmSpaceTest.SSE)) {
            for (GemmMicro.Config c : GemmSpace.configs(f)) {
                if (shapes.add(c.vw() + "x" + c.nv())) {
                    GemmMicro.Config blocked = GemmMicro.Config.of(c.mr(), c.vw(), c.nv(), depths[out.size() % depths.length],
                            11, 2, out.size() % 2 == 1);
                    out.add(Arguments.of(GemmSpace.id(blocked), blocked));
                }
            }
        }
        return out.stream();
    }

    @Test
    void sizesZeroLeaveCUntouchedAndKZeroScalesC() {
        Engine e = TestEngines.get();
        float[] c = {1, 2, 3, 4, 5, 6};
        try (ClBuffer da = e.alloc(6, "A"); ClBuffer db = e.alloc(6, "B"); ClBuffer dc = e.alloc(6, "C")) {
            e.cl().writeFloats(dc, c);
            Gemm.gemm(e, false, false, 0, 3, 2, 1f, da, 0, 2, db, 0, 3, 0f, dc, 0, 3);
            Gemm.gemm(e, false, false, 2, 0, 2, 1f, da, 0, 2, db, 0, 1, 0f, dc, 0, 1);
            assertThat(e.cl().readFloats(dc, 6)).containsExactly(c);
            Gemm.gemm(e, false, false, 2, 3, 0, 1f, da, 0, 1, db, 0, 3, 0.5f, dc, 0, 3);
            assertThat(e.cl().readFloats(dc, 6)).containsExactly(0.5f, 1f, 1.5f, 2f, 2.5f, 3f);
        }
    }

    @Test
    void pathChoiceFollowsDeviceAndSize() {
        GemmCall tiny = new Problem(new Random(1), 4, 4, 4, false, false, 1f, 0f, 1).call(null, null, null);
        GemmCall big = new Problem(new Random(1), 100, 100, 100, false, false, 1f, 0f, 1).call(null, null, null);
        var cpu = TestEngines.get().device();
        assertThat(Gemm.choosePath(cpu, tiny)).isEqualTo(Gemm.Path.SIMPLE);
        if (cpu.isCpu()) {
            assertThat(Gemm.choosePath(cpu, big)).isEqualTo(Gemm.Path.MICRO);
        }
    }

    /** One randomised padded, offset, batched product and its reference result. */
    static final class Problem {
        final int m;
        final int n;
        final int k;
        final boolean tA;
        final boolean tB;
        final float alpha;
        final float beta;
        final int batch;
        final int lda;
        final int ldb;
        final int ldc;
        final int offA;
        final int offB;
        final int offC;
        final int strideA;
        final int strideB;
        final int strideC;
        final float[] a;
        final float[] b;
        final float[] c;

        Problem(Random r, int m, int n, int k, boolean tA, boolean tB, float alpha, float beta, int batch) {
            this(r, m, n, k, tA, tB, alpha, beta, batch, false, false);
        }

        /** sharedA / sharedB: one operand for the whole batch (stride 0), as weights against every image. */
        Problem(Random r, int m, int n, int k, boolean tA, boolean tB, float alpha, float beta, int batch,
                boolean sharedA, boolean sharedB) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.tA = tA;
            this.tB = tB;
            this.alpha = alpha;
            this.beta = beta;
            this.batch = batch;
            int rowsA = tA ? k : m;
            int rowsB = tB ? n : k;
            lda = (tA ? m : k) + 3;
            ldb = (tB ? k : n) + 2;
            ldc = n + 5;
            offA = 7;
            offB = 2;
            offC = 4;
            strideA = sharedA ? 0 : rowsA * lda + 1;
            strideB = sharedB ? 0 : rowsB * ldb + 3;
            strideC = m * ldc + 2;
            a = RandomData.uniform(r, offA + (sharedA ? rowsA * lda : batch * strideA), -1, 1);
            b = RandomData.uniform(r, offB + (sharedB ? rowsB * ldb : batch * strideB), -1, 1);
            c = new float[offC + batch * strideC];
            Arrays.fill(c, PAD);
            for (int g = 0; g < batch; g++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        c[offC + g * strideC + i * ldc + j] = beta == 0f ? Float.NaN : r.nextFloat() * 2 - 1;
                    }
                }
            }
        }

        GemmCall call(ClBuffer da, ClBuffer db, ClBuffer dc) {
            return new GemmCall(tA, tB, false, m, n, k, alpha, da, offA, lda, strideA, db, offB, ldb, strideB,
                    beta, dc, offC, ldc, strideC, batch);
        }

        void check(Engine e, java.util.function.Consumer<GemmCall> run, String what, double abs) {
            float[] expected = c.clone();
            for (int g = 0; g < batch; g++) {
                GemmReference.gemm(tA, tB, m, n, k, alpha, a, offA + g * strideA, lda, b, offB + g * strideB, ldb,
                        beta, expected, offC + g * strideC, ldc);
            }
            try (ClBuffer da = e.alloc(a.length, "A"); ClBuffer db = e.alloc(b.length, "B"); ClBuffer dc = e.alloc(c.length, "C")) {
                e.cl().writeFloats(da, a);
                e.cl().writeFloats(db, b);
                e.cl().writeFloats(dc, c);
                run.accept(call(da, db, dc));
                String label = String.format("%s M=%d N=%d K=%d tA=%b tB=%b beta=%s", what, m, n, k, tA, tB, beta);
                Tally.requireClose(label, e.cl().readFloats(dc, c.length), expected, abs, 1e-5);
            }
        }
    }
}
