package org.graft.ops.sgd;

import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Param;
import org.graft.opencl.ClBuffer;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;
import org.graft.solver.SgdUpdate;

/**
 * {@link SgdUpdate} against {@link SgdReference} over several steps, as SgdUpdateTest. Tolerance: none
 * (SgdUpdateTest's): the kernel disables fma contraction and performs the reference's float operations
 * in the same order, so weights and momentum history must match bit for bit. A frozen blob (lr_mult 0)
 * must not be touched.
 */
public final class SgdCase {
    /** n, lr_mult, decay_mult. */
    public record Shape(int n, float lrMult, float decayMult) {
        @Override
        public String toString() {
            return "n=" + n + " lr_mult=" + lrMult + " decay_mult=" + decayMult;
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(4097, 2, 0),
            new Shape(37, 0.5f, 3),
            new Shape(96, 10, 0.25f),
            new Shape(1, 1, 1),
            new Shape(1000, 1, 1),
            new Shape(333, 0, 1));

    private SgdCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("SgdUpdate", "bit-identical", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = new Shape(1 + r.nextInt(100000), r.nextInt(4) * 0.5f, r.nextInt(3) * 0.5f);
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    /** Six steps with varied learning rates, momenta and decays; the gradient must be left unchanged. */
    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        int n = s.n();
        float[] w = RandomData.gaussian(r, n, 0.1f);
        float[] v = RandomData.gaussian(r, n, 0.01f);
        Param p = new Param("fc.weights", new Blob(e, "fc.weights", n)).multipliers(s.lrMult(), s.decayMult());
        try (Blob b = p.blob(); ClBuffer history = e.alloc(n, "history")) {
            b.upload(w);
            e.cl().writeFloats(history, v);
            float[] lrs = {0.01f, 0.01f, 0.001f, 0.1f, 0f, 0.0037f};
            float[] momenta = {0.9f, 0.9f, 0.5f, 0f, 0.99f, 0.9f};
            float[] decays = {0.0005f, 0f, 0.0005f, 0.01f, 0.0005f, 0.3f};
            for (int step = 0; step < lrs.length; step++) {
                float[] g = RandomData.gaussian(r, n, 1f);
                b.uploadDiff(g);
                boolean launched = SgdUpdate.apply(e, p, history, lrs[step], momenta[step], decays[step]);
                t.require(launched == !p.frozen(), "SgdUpdate.apply returned " + launched + " for lr_mult " + s.lrMult());
                SgdReference.step(w, g, v, lrs[step], momenta[step], decays[step], s.lrMult(), s.decayMult());
                t.identical("weights after step " + step, b.download(), w);
                t.identical("history after step " + step, e.cl().readFloats(history, n), v);
                t.identical("gradient after step " + step, b.downloadDiff(), g);
            }
        }
    }
}
