package org.graft.ops.gemm;

import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.kernels.Gemm;
import org.graft.opencl.ClBuffer;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link Gemm} (plain and batched with offsets) against {@link GemmReference}.
 * Tolerance: each output is a sum of K products of values in [-1, 1]; float32
 * accumulation in another order than the double reference differs by about K*2^-24*Σ|terms|,
 * i.e. < 1e-4 for K ≤ 300, so 1e-4 absolute plus 1e-5 relative (random shapes keep K ≤ 300).
 */
public final class GemmCase {
    public static final double ABS = 1e-4;
    public static final double REL = 1e-5;

    public record Shape(int m, int n, int k, boolean transA, boolean transB, float alpha, float beta) {
        @Override
        public String toString() {
            return String.format("M=%d N=%d K=%d%s%s alpha=%s beta=%s", m, n, k, transA ? " A^T" : "", transB ? " B^T" : "", alpha, beta);
        }
    }

    /** Shapes: 1x1x1, odd sizes, every transpose, alpha/beta, a wide conv-like product, vectors. */
    public static final List<Shape> AWKWARD = List.of(
            new Shape(1, 1, 1, false, false, 1, 0),
            new Shape(13, 17, 19, true, true, 1, 1),
            new Shape(33, 129, 71, false, true, -1, 1),
            new Shape(7, 5, 3, false, false, 1, 0),
            new Shape(13, 17, 19, true, false, 1, 0),
            new Shape(13, 17, 19, false, true, 0.5f, 0),
            new Shape(64, 64, 64, false, false, 1, 0.5f),
            new Shape(96, 3025, 121, false, false, 1, 0),
            new Shape(5, 1, 300, true, false, 1, 0),
            new Shape(1, 37, 9, false, false, 2, 0));

    private GemmCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Gemm", "1e-4 + 1e-5*|ref|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = new Shape(1 + r.nextInt(160), 1 + r.nextInt(160), 1 + r.nextInt(300), r.nextBoolean(), r.nextBoolean(),
                        r.nextBoolean() ? 1f : -0.75f, r.nextInt(3) * 0.5f);
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int groups : effort.fixed(List.of(2, 3))) {
                t.run("batched x" + groups + " with offsets", () -> checkBatched(e, groups, r.nextLong(), t));
            }
        });
    }

    /** C = alpha*op(A)*op(B) + beta*C on the device against the reference. */
    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        int m = s.m(), n = s.n(), k = s.k();
        float[] a = RandomData.uniform(r, m * k, -1, 1);
        float[] b = RandomData.uniform(r, k * n, -1, 1);
        float[] c = RandomData.uniform(r, m * n, -1, 1);
        float[] expected = c.clone();
        GemmReference.gemm(s.transA(), s.transB(), m, n, k, s.alpha(), a, 0, s.transA() ? m : k, b, 0, s.transB() ? k : n,
                s.beta(), expected, 0, n);
        try (ClBuffer da = e.alloc(a.length, "A"); ClBuffer db = e.alloc(b.length, "B"); ClBuffer dc = e.alloc(c.length, "C")) {
            e.cl().writeFloats(da, a);
            e.cl().writeFloats(db, b);
            e.cl().writeFloats(dc, c);
            Gemm.gemm(e, s.transA(), s.transB(), m, n, k, s.alpha(), da, 0, db, 0, s.beta(), dc, 0);
            t.compare("gemm", e.cl().readFloats(dc, c.length), expected, ABS, REL);
        }
    }

    /** {@code groups} products laid out one after another, all starting at a float offset. */
    public static void checkBatched(Engine e, int groups, long seed, Tally t) {
        Random r = new Random(seed);
        int m = 6, n = 11, k = 5, off = 3;
        float[] a = RandomData.uniform(r, off + groups * m * k, -1, 1);
        float[] b = RandomData.uniform(r, off + groups * k * n, -1, 1);
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
            t.compare("batched gemm", e.cl().readFloats(dc, c.length), expected, ABS, REL);
        }
    }
}
