package org.graft.ops.batchnorm;

import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link BatchNormLayer} against {@link BatchNormReference}: batch statistics in TRAIN (two passes, so the
 * running sums accumulate) and TEST (no update), stored statistics (factor 0 included), in place or not, on
 * rank 1 to 5 with batch 1 and one value per channel; and gradient checks of both modes.
 * Tolerances: the device sums the m values of a channel in float (strided, then a tree), the reference in
 * double; mean and variance then carry a relative error of a few float ulps times log m, and y, the running
 * sums and dx (two per-channel means subtracted from dy ~ 1, divided by std) stay within 1e-6 + 2e-5·|ref|
 * (PoCL measured 1.5e-5 absolute on running sums ~ 10, i.e. 1e-6 relative, and 3e-6 relative overall).
 */
public final class BatchNormCase {
    /** {@code global} null: decided by the phase; {@code factor} the stored factor the check starts from. */
    public record Shape(int[] shape, Boolean global, boolean train, boolean inPlace, float factor) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + (global == null ? "" : " use_global_stats " + global) + (train ? " TRAIN" : " TEST")
                    + (inPlace ? " in place" : "") + " factor " + factor;
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {5, 13, 9, 11}, null, true, true, 0f),
            new Shape(new int[] {1, 3, 5, 7}, null, true, false, 2.5f),
            new Shape(new int[] {1, 4, 1, 1}, null, true, false, 1f),
            new Shape(new int[] {7, 33}, null, true, true, 1f),
            new Shape(new int[] {1, 6}, false, false, false, 1f),
            new Shape(new int[] {9}, null, true, false, 0f),
            new Shape(new int[] {2, 3, 4, 5, 3}, null, true, false, 3f),
            new Shape(new int[] {3, 5, 7, 9}, null, false, true, 1.5f),
            new Shape(new int[] {3, 5, 7, 9}, null, false, false, 0f),
            new Shape(new int[] {2, 7, 3}, true, true, true, 4f),
            new Shape(new int[] {64, 16, 3, 3}, null, true, false, 1f),
            new Shape(new int[] {2, 64, 27, 27}, null, true, true, 1f));

    private static final float MAF = 0.9f;
    private static final float EPS = 1e-3f;

    private BatchNormCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("BatchNorm", "1e-6 + 2e-5*|ref|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Boolean[] modes = {null, true, false};
                Shape s = new Shape(new int[] {1 + r.nextInt(4), 1 + r.nextInt(20), 1 + r.nextInt(15), 1 + r.nextInt(15)},
                        modes[r.nextInt(3)], r.nextBoolean(), r.nextBoolean(), r.nextInt(3));
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("BatchNorm gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (boolean global : effort.gradient(List.of(false, true))) {
                t.run("2x3x4x5 " + (global ? "stored" : "batch") + " statistics", () -> gradient(e, global, new int[] {2, 3, 4, 5}, r.nextLong(), t));
            }
            t.run("6x4 batch statistics", () -> gradient(e, false, new int[] {6, 4}, r.nextLong(), t));
        });
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        BatchNormLayer layer = new BatchNormLayer("bn", new BatchNormLayer.Spec(s.global(), MAF, EPS));
        Pass pass = s.train() ? Pass.train(0, 1) : Pass.test();
        boolean global = layer.settings().globalStats(pass);
        try (LayerRig rig = s.inPlace() ? LayerRig.inPlace(e, layer, s.shape()) : LayerRig.of(e, layer, s.shape())) {
            int c = BatchNormReference.channels(s.shape());
            float[] meanSum = RandomData.uniform(r, c, -2, 2);
            float[] varSum = RandomData.uniform(r, c, 0.1f, 3);
            float factor = s.factor();
            rig.param(0).upload(meanSum);
            rig.param(1).upload(varSum);
            rig.param(2).upload(new float[] {factor});
            for (int iteration = 0; iteration < 2; iteration++) {
                float[] x = RandomData.uniform(r, rig.bottom(0).count(), -3, 5);
                float[] dy = RandomData.uniform(r, x.length, -1, 1);
                rig.bottom(0).upload(x);
                rig.forward(pass);
                BatchNormReference.Forward ref = BatchNormReference.forward(x, s.shape(), meanSum, varSum, factor, MAF, EPS, global,
                        s.train());
                t.compare("forward " + iteration, rig.top(0).download(), ref.y(), 1e-6, 2e-5);
                rig.top(0).uploadDiff(dy);
                rig.backward(new boolean[] {true}, pass);
                t.compare("backward " + iteration, rig.bottom(0).downloadDiff(),
                        BatchNormReference.backward(x, dy, s.shape(), meanSum, varSum, factor, EPS, global), 1e-6, 2e-5);
                t.compare("mean sums " + iteration, rig.param(0).download(), ref.meanSum(), 1e-6, 2e-5);
                t.compare("variance sums " + iteration, rig.param(1).download(), ref.varSum(), 1e-6, 2e-5);
                t.compare("factor " + iteration, rig.param(2).download(), new float[] {ref.factor()}, 1e-6, 1e-6);
                meanSum = ref.meanSum();
                varSum = ref.varSum();
                factor = ref.factor();
            }
        }
    }

    /** Only the bottom: the three blobs have no gradient (they are not learned). */
    public static void gradient(Engine e, boolean global, int[] shape, long seed, Tally t) {
        Random r = new Random(seed);
        BatchNormLayer layer = new BatchNormLayer("bn", new BatchNormLayer.Spec(global, MAF, EPS));
        try (LayerRig rig = LayerRig.of(e, layer, shape)) {
            int c = BatchNormReference.channels(shape);
            rig.param(0).upload(RandomData.uniform(r, c, -1, 1));
            rig.param(1).upload(RandomData.uniform(r, c, 0.5f, 2));
            rig.param(2).upload(new float[] {1.5f});
            Blob x = rig.bottom(0);
            x.upload(RandomData.uniform(r, x.count(), -2, 3));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, new boolean[3], Pass.train(0, 1)));
        }
    }
}
