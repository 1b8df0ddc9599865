package org.graft.ops.bias;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.layers.AxisSpan;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link BiasLayer} against {@link BiasReference}: learned bias or bias as bottom[1], in place or not, on
 * negative axes, num_axes 0 (a scalar), −1 (to the end) and spans of two axes, ranks 1 to 5; the learned
 * bias's diff must add to what it held, bottom[1]'s be overwritten. Tolerances: forward is one float add,
 * exact to 1 ulp (1e-7 + 1e-6·|ref|); dx is a copy (identical); the bias diff sums up to 11520 values in float
 * (strided, then a tree), rounding growing with Σ|dy|: 1e-4 + 1e-5·|ref|.
 */
public final class BiasCase {
    public record Shape(int[] shape, int axis, int numAxes, boolean twoBottoms, boolean inPlace) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + " axis " + axis + (twoBottoms ? " bias as bottom[1]" : " num_axes " + numAxes)
                    + (inPlace ? " in place" : "");
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {2, 3, 4, 5}, 1, 1, false, true),
            new Shape(new int[] {1, 3, 5, 7}, 1, 1, true, true),
            new Shape(new int[] {7, 33}, 1, 1, false, false),
            new Shape(new int[] {2, 3, 4, 5}, -1, 1, false, false),
            new Shape(new int[] {2, 3, 4, 5}, 0, 0, false, true),
            new Shape(new int[] {2, 3, 4, 5}, 1, -1, true, false),
            new Shape(new int[] {2, 3, 4, 5}, -2, -1, false, false),
            new Shape(new int[] {1, 1, 1, 1}, 2, 2, false, false),
            new Shape(new int[] {3, 1, 9, 1}, 1, 2, true, false),
            new Shape(new int[] {5}, 0, 1, false, true),
            new Shape(new int[] {2, 3, 2, 3, 2}, -3, 2, true, true),
            new Shape(new int[] {2, 64, 27, 27}, 1, 1, false, true));

    private BiasCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Bias", "fwd 1e-7 + 1e-6*|ref|; db 1e-4 + 1e-5*|ref|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                int[] shape = {1 + r.nextInt(4), 1 + r.nextInt(20), 1 + r.nextInt(12), 1 + r.nextInt(12)};
                int axis = r.nextInt(8) - 4;
                int a = axis < 0 ? axis + 4 : axis;
                int numAxes = Math.max(-1, r.nextInt(4 - a + 1) - (r.nextInt(4) == 0 ? 1 : 0));
                Shape s = new Shape(shape, axis, numAxes, r.nextBoolean(), r.nextBoolean());
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Bias gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            List<Shape> shapes = List.of(
                    new Shape(new int[] {2, 3, 4, 5}, 1, 1, false, false),
                    new Shape(new int[] {2, 3, 4, 5}, -2, -1, true, false),
                    new Shape(new int[] {2, 3, 4}, 0, 0, false, false));
            for (Shape s : effort.gradient(shapes)) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    private static BiasLayer layer(Shape s) {
        return new BiasLayer("bias", new BiasLayer.Spec(s.axis(), s.twoBottoms() ? 1 : s.numAxes(), null, s.twoBottoms()));
    }

    private static LayerRig rig(Engine e, BiasLayer layer, Shape s) {
        int[] run = AxisSpan.runShape(layer, s.shape(), s.axis(), s.numAxes());
        int[][] bottoms = s.twoBottoms() ? new int[][] {s.shape(), run} : new int[][] {s.shape()};
        return s.inPlace() ? LayerRig.inPlace(e, layer, bottoms) : LayerRig.of(e, layer, bottoms);
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        BiasLayer layer = layer(s);
        AxisSpan span = AxisSpan.of(layer, s.shape(), s.axis(), AxisSpan.runShape(layer, s.shape(), s.axis(), s.numAxes()));
        try (LayerRig rig = rig(e, layer, s)) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -3, 3);
            float[] bias = RandomData.uniform(r, span.dim(), -2, 2);
            rig.bottom(0).upload(x);
            (s.twoBottoms() ? rig.bottom(1) : rig.param(0)).upload(bias);
            rig.forward(Pass.train(0, 1));
            t.compare("forward", rig.top(0).download(), BiasReference.forward(x, bias, span.dim(), span.inner()), 1e-7, 1e-6);
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.top(0).uploadDiff(dy);
            float[] held = s.twoBottoms() ? new float[span.dim()] : RandomData.uniform(r, span.dim(), -1, 1);
            (s.twoBottoms() ? rig.bottom(1) : rig.param(0)).uploadDiff(s.twoBottoms() ? RandomData.uniform(r, span.dim(), 5, 9) : held);
            boolean[] down = new boolean[rig.bottoms().size()];
            Arrays.fill(down, true);
            rig.backward(down, Pass.train(0, 1));
            t.compare("bias diff", (s.twoBottoms() ? rig.bottom(1) : rig.param(0)).downloadDiff(),
                    BiasReference.biasDiff(dy, span.dim(), span.inner(), held), 1e-4, 1e-5);
            t.identical("bottom diff", rig.bottom(0).downloadDiff(), dy);
        }
    }

    /** Every bottom and the learned bias (the layer is linear, so any data will do). */
    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        BiasLayer layer = layer(s);
        try (LayerRig rig = rig(e, layer, s)) {
            for (int b = 0; b < rig.bottoms().size(); b++) {
                rig.bottom(b).upload(RandomData.uniform(r, rig.bottom(b).count(), -2, 2));
            }
            for (int p = 0; p < layer.params().size(); p++) {
                rig.param(p).upload(RandomData.uniform(r, rig.param(p).count(), -2, 2));
            }
            boolean[] down = new boolean[rig.bottoms().size()];
            Arrays.fill(down, true);
            t.gradient(rig.gradient(new GradientCheck(), down, Pass.train(0, 1)));
        }
    }
}
