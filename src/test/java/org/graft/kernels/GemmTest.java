package org.graft.kernels;

import java.util.Random;
import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.reference.GemmReference;
import org.graft.testing.Compare;
import org.graft.testing.Rand;
import org.graft.testing.TestEngines;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GemmTest {
    /**
     * Tolerance: each output is a sum of K products of values in [-1, 1]; float32 accumulation in a
     * different order than the double reference differs by at most about K·2^-24·Σ|terms|, i.e.
     * < 1e-4 for K ≤ 300; 1e-4 absolute plus 1e-5 relative covers that with margin.
     */
    @ParameterizedTest(name = "M={0} N={1} K={2} tA={3} tB={4} alpha={5} beta={6}")
    @CsvSource({
        "1,1,1,false,false,1,0",
        "7,5,3,false,false,1,0",
        "13,17,19,true,false,1,0",
        "13,17,19,false,true,0.5,0",
        "13,17,19,true,true,1,1",
        "64,64,64,false,false,1,0.5",
        "33,129,71,false,true,-1,1",
        "96,3025,121,false,false,1,0",
        "5,1,300,true,false,1,0",
        "1,37,9,false,false,2,0"
    })
    void matchesReference(int m, int n, int k, boolean tA, boolean tB, float alpha, float beta) {
        Engine e = TestEngines.get();
        Random r = new Random(m * 31L + n * 7L + k);
        float[] a = Rand.uniform(r, m * k, -1, 1);
        float[] b = Rand.uniform(r, k * n, -1, 1);
        float[] c = Rand.uniform(r, m * n, -1, 1);
        float[] expected = c.clone();
        GemmReference.gemm(tA, tB, m, n, k, alpha, a, 0, tA ? m : k, b, 0, tB ? k : n, beta, expected, 0, n);
        try (ClBuffer da = e.alloc(a.length, "A"); ClBuffer db = e.alloc(b.length, "B"); ClBuffer dc = e.alloc(c.length, "C")) {
            e.cl().writeFloats(da, a);
            e.cl().writeFloats(db, b);
            e.cl().writeFloats(dc, c);
            Gemm.gemm(e, tA, tB, m, n, k, alpha, da, 0, db, 0, beta, dc, 0);
            Compare.close("gemm", e.cl().readFloats(dc, c.length), expected, 1e-4, 1e-5);
        }
    }

    @ParameterizedTest(name = "batched groups={0}")
    @CsvSource({"2", "3"})
    void batchedWithOffsetsMatchesReference(int groups) {
        Engine e = TestEngines.get();
        Random r = new Random(groups);
        int m = 6, n = 11, k = 5, off = 3;
        float[] a = Rand.uniform(r, off + groups * m * k, -1, 1);
        float[] b = Rand.uniform(r, off + groups * k * n, -1, 1);
        float[] c = new float[off + groups * m * n];
        float[] expected = c.clone();
        for (int g = 0; g < groups; g++) {
            GemmReference.gemm(false, false, m, n, k, 1f, a, off + g * m * k, k, b, off + g * k * n, n, 0f, expected, off + g * m * n, n);
        }
        try (ClBuffer da = e.alloc(a.length, "A"); ClBuffer db = e.alloc(b.length, "B"); ClBuffer dc = e.alloc(c.length, "C")) {
            e.cl().writeFloats(da, a);
            e.cl().writeFloats(db, b);
            e.cl().writeFloats(dc, c);
            Gemm.batched(e, false, false, m, n, k, 1f, da, off, k, m * k, db, off, n, k * n, 0f, dc, off, n, m * n, groups);
            Compare.close("batched gemm", e.cl().readFloats(dc, c.length), expected, 1e-4, 1e-5);
        }
    }
}
