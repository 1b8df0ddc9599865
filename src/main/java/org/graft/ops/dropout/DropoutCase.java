package org.graft.ops.dropout;

import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link DropoutLayer} against {@link DropoutReference}, and its gradient check.
 * Tolerance: 0: the same Philox4x32-10 integers decide the mask and one float
 * multiply scales, so device and reference agree bit for bit; the TEST phase is the identity.
 */
public final class DropoutCase {
    public record Shape(int n, float p, long seed, long iteration, boolean inPlace) {
        @Override
        public String toString() {
            return "n=" + n + " p=" + p + " seed=" + seed + " iter=" + iteration + (inPlace ? " in place" : "");
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(100003, 0.5f, 1234567890123L, 5000000000L, false),
            new Shape(5, 0.1f, 7, 3, false),
            new Shape(8192, 0.5f, 99, 123, true),
            new Shape(1, 0.5f, 1, 0, false),
            new Shape(3, 0.5f, 1, 0, false),
            new Shape(4, 0.5f, 7, 3, false),
            new Shape(1023, 0.9f, 42, 100, false),
            new Shape(4099, 0, 5, 1, false));

    private DropoutCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Dropout", "exact", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = new Shape(1 + r.nextInt(50000), r.nextInt(10) / 10f, r.nextLong(), r.nextLong() & Long.MAX_VALUE, r.nextBoolean());
                t.run(s.toString(), () -> check(e, s, t));
            }
            t.run("TEST phase is the identity", () -> checkTestPhase(e, r.nextLong(), t));
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Dropout gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) ->
                t.run("2x3x5 p=0.3 TRAIN", () -> gradient(e, r.nextLong(), t)));
    }

    /** TRAIN forward and backward; inputs are never 0, so a zero output marks a dropped element. */
    public static void check(Engine e, Shape s, Tally t) {
        Random r = new Random(s.n() + s.seed());
        float[] x = nonZero(r, s.n());
        float[] dy = nonZero(r, s.n());
        Pass pass = Pass.train(s.iteration(), s.seed());
        DropoutLayer layer = new DropoutLayer("drop6", new DropoutLayer.Spec(s.p()));
        int[] shape = {s.n()};
        try (LayerRig rig = s.inPlace() ? LayerRig.inPlace(e, layer, shape) : LayerRig.of(e, layer, shape)) {
            rig.bottom(0).upload(x);
            rig.forward(pass);
            float[] y = rig.top(0).download();
            t.compare("dropout forward", y, DropoutReference.train(x, s.p(), s.seed(), s.iteration(), "drop6"), 0, 0);
            boolean[] keep = DropoutReference.mask(s.n(), s.p(), s.seed(), s.iteration(), "drop6");
            int wrong = 0;
            for (int i = 0; i < s.n(); i++) {
                wrong += (y[i] != 0f) != keep[i] ? 1 : 0;
            }
            t.require(wrong == 0, "dropout mask differs from the reference at " + wrong + " of " + s.n() + " elements");
            rig.top(0).uploadDiff(dy);
            rig.backward(new boolean[] {true}, pass);
            t.compare("dropout backward", rig.bottom(0).downloadDiff(), DropoutReference.train(dy, s.p(), s.seed(), s.iteration(), "drop6"), 0, 0);
        }
    }

    public static void checkTestPhase(Engine e, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new DropoutLayer("drop6", new DropoutLayer.Spec()), new int[] {3, 5, 7})) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -1, 1);
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.test());
            t.compare("dropout TEST forward", rig.top(0).download(), x, 0, 0);
            rig.top(0).uploadDiff(dy);
            rig.backward(new boolean[] {true}, Pass.test());
            t.compare("dropout TEST backward", rig.bottom(0).downloadDiff(), dy, 0, 0);
        }
    }

    /** The mask is a function of (seed, iteration, layer), so repeated forwards see the same one. */
    public static void gradient(Engine e, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new DropoutLayer("drop", new DropoutLayer.Spec(0.3f)), new int[] {2, 3, 5})) {
            rig.bottom(0).upload(RandomData.uniform(r, rig.bottom(0).count(), -1, 1));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(4, 17)));
        }
    }

    /** Values in ±[0.5, 1.5]. */
    private static float[] nonZero(Random r, int n) {
        float[] a = RandomData.uniform(r, n, 0.5f, 1.5f);
        for (int i = 0; i < n; i++) {
            if (r.nextBoolean()) {
                a[i] = -a[i];
            }
        }
        return a;
    }
}
