package org.graft.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;
import org.graft.ops.gemm.GemmReference;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

/** Programs built concurrently on the compile threads work, are built once, and report their failures when asked for. */
class KernelLibraryTest {
    private static final int M = 13;
    private static final int N = 9;
    private static final int K = 7;

    /** Several gemm.cl variants (different MR, TRANS_A) plus another file, all built at once on one context. */
    private static List<KernelLibrary.ProgramKey> keys() {
        List<KernelLibrary.ProgramKey> keys = new ArrayList<>();
        for (int tm : new int[] {2, 4}) {
            for (int ta = 0; ta <= 1; ta++) {
                keys.add(new KernelLibrary.ProgramKey("gemm.cl", "-DTRANS_A=" + ta + " -DTRANS_B=0 -DTM=" + tm + " -DTN=4"));
            }
        }
        keys.add(new KernelLibrary.ProgramKey("relu.cl", ""));
        return keys;
    }

    @Test
    void concurrentlyBuiltProgramsRunCorrectlyAndAreBuiltOnce() {
        Engine e = TestEngines.get();
        try (KernelLibrary lib = new KernelLibrary(e.cl(), null)) {
            List<KernelLibrary.ProgramKey> keys = keys();
            lib.prefetch(keys);
            lib.prefetch(keys); // already started: nothing new
            for (KernelLibrary.ProgramKey k : keys) {
                if (k.file().equals("gemm.cl")) {
                    checkGemm(e, lib, k.defines());
                } else {
                    assertThat(lib.kernel(k.file(), k.defines(), "relu_forward").name()).isEqualTo("relu_forward");
                }
            }
            assertThat(lib.programsBuilt()).as("each program once, though asked for twice and used").isEqualTo(keys.size());
            assertThat(lib.programCount()).isEqualTo(keys.size());
        }
    }

    @Test
    void aFailedPrefetchIsReportedWhenTheProgramIsAskedFor() {
        Engine e = TestEngines.get();
        try (KernelLibrary lib = new KernelLibrary(e.cl(), null)) {
            lib.prefetch(List.of(new KernelLibrary.ProgramKey("no-such-file.cl", "")));
            assertThatThrownBy(() -> lib.program("no-such-file.cl", "")).hasMessageContaining("no-such-file.cl");
            assertThatThrownBy(() -> lib.program("no-such-file.cl", "")).as("not remembered as built").hasMessageContaining("missing");
            assertThat(lib.programCount()).isZero();
        }
    }

    /** Engine#plan: the programs a GEMM needs are built (concurrently), nothing is launched; the real run then compiles nothing. */
    @Test
    void planningBuildsWhatAGemmNeedsWithoutLaunchingIt() {
        Engine shared = TestEngines.get();
        int m = 96;
        int n = 112;
        int k = 80;
        try (Engine e = Engine.open(shared.cl().backendName(), -1, shared.device().isGpu() ? "gpu" : "cpu", false)) {
            Random r = new Random(3);
            float[] a = RandomData.uniform(r, m * k, -1, 1);
            float[] b = RandomData.uniform(r, k * n, -1, 1);
            float[] c = new float[m * n];
            java.util.Arrays.fill(c, 7f);
            float[] expected = new float[m * n];
            GemmReference.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
            try (ClBuffer da = e.alloc(a.length, "A"); ClBuffer db = e.alloc(b.length, "B"); ClBuffer dc = e.alloc(c.length, "C")) {
                e.cl().writeFloats(da, a);
                e.cl().writeFloats(db, b);
                e.cl().writeFloats(dc, c);
                e.plan(() -> Gemm.gemm(e, false, false, m, n, k, 1f, da, 0, db, 0, 0f, dc, 0));
                e.kernels().awaitBuilds();
                int built = e.kernels().programsBuilt();
                assertThat(built).isPositive();
                assertThat(e.cl().readFloats(dc, c.length)).as("nothing launched while planning").containsOnly(7f);
                Gemm.gemm(e, false, false, m, n, k, 1f, da, 0, db, 0, 0f, dc, 0);
                Tally.requireClose("planned gemm", e.cl().readFloats(dc, c.length), expected, 1e-4, 1e-5);
                assertThat(e.kernels().programsBuilt()).as("the real run compiled nothing new").isEqualTo(built);
            }
        }
    }

    /** gemm_simple of this program (its TM/TN/TRANS_A defines) against the reference. */
    private static void checkGemm(Engine e, KernelLibrary lib, String defines) {
        boolean transA = defines.contains("TRANS_A=1");
        int tm = defines.contains("TM=2") ? 2 : 4;
        Random r = new Random(defines.hashCode());
        float[] a = RandomData.uniform(r, M * K, -1, 1);
        float[] b = RandomData.uniform(r, K * N, -1, 1);
        float[] expected = new float[M * N];
        int lda = transA ? M : K;
        GemmReference.gemm(transA, false, M, N, K, 1f, a, 0, lda, b, 0, N, 0f, expected, 0, N);
        try (ClBuffer da = e.alloc(a.length, "A"); ClBuffer db = e.alloc(b.length, "B"); ClBuffer dc = e.alloc(M * N, "C")) {
            e.cl().writeFloats(da, a);
            e.cl().writeFloats(db, b);
            ClKernel k = lib.kernel("gemm.cl", defines, "gemm_simple");
            int colStride = GemmMicro.ceilDiv(N, 4);
            k.arg(0, M).arg(1, N).arg(2, K).arg(3, 1f).arg(4, da).arg(5, 0).arg(6, lda).arg(7, 0)
                    .arg(8, db).arg(9, 0).arg(10, N).arg(11, 0).arg(12, 0f).arg(13, dc).arg(14, 0).arg(15, N).arg(16, 0).arg(17, colStride);
            e.run(k, new long[] {colStride, GemmMicro.ceilDiv(M, tm), 1}, null);
            Tally.requireClose("gemm " + defines, e.cl().readFloats(dc, M * N), expected, 1e-5, 1e-6);
        }
    }
}
