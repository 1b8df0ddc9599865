package org.graft.ops.scale;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.layers.AxisSpan;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.ops.bias.BiasReference;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link ScaleLayer} against {@link ScaleReference}: learned scale or scale as bottom[1], with and without
 * bias, in place or not, on negative axes, num_axes 0 (a scalar), −1 (to the end) and spans of two axes,
 * ranks 1 to 5; the parameter diffs must add to what they held, bottom[1]'s be overwritten. Tolerances:
 * forward is a multiply and an add in float against double, 1e-6 + 1e-6·|ref| for values of a few units;
 * dx is one multiply, within the same; the scale and bias diffs sum up to 11520 products in float (strided,
 * then a tree), whose rounding grows with the sum of |terms|, not with the (cancelling) sum: 1e-4 + 1e-5·|ref|.
 */
public final class ScaleCase {
    public record Shape(int[] shape, int axis, int numAxes, boolean bias, boolean twoBottoms, boolean inPlace) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + " axis " + axis + (twoBottoms ? " scale as bottom[1]" : " num_axes " + numAxes)
                    + (bias ? " bias" : "") + (inPlace ? " in place" : "");
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {2, 3, 4, 5}, 1, 1, true, false, true),
            new Shape(new int[] {1, 3, 5, 7}, 1, 1, false, true, true),
            new Shape(new int[] {7, 33}, 1, 1, true, false, false),
            new Shape(new int[] {2, 3, 4, 5}, -1, 1, false, false, false),
            new Shape(new int[] {2, 3, 4, 5}, 0, 0, true, false, true),
            new Shape(new int[] {2, 3, 4, 5}, 1, -1, false, true, false),
            new Shape(new int[] {2, 3, 4, 5}, -2, -1, true, false, false),
            new Shape(new int[] {1, 1, 1, 1}, 2, 2, true, false, false),
            new Shape(new int[] {3, 1, 9, 1}, 1, 2, true, true, false),
            new Shape(new int[] {5}, 0, 1, true, false, true),
            new Shape(new int[] {2, 3, 2, 3, 2}, -3, 2, true, true, true),
            new Shape(new int[] {2, 64, 27, 27}, 1, 1, true, false, true));

    private ScaleCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Scale", "fwd, dx 1e-6 + 1e-6*|ref|; sums 1e-4 + 1e-5*|ref|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                int[] shape = {1 + r.nextInt(4), 1 + r.nextInt(20), 1 + r.nextInt(12), 1 + r.nextInt(12)};
                int axis = r.nextInt(8) - 4;
                int a = axis < 0 ? axis + 4 : axis;
                int numAxes = r.nextInt(4 - a + 1) - (r.nextInt(4) == 0 ? 1 : 0);
                Shape s = new Shape(shape, axis, Math.max(numAxes, -1), r.nextBoolean(), r.nextBoolean(), r.nextBoolean());
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Scale gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            List<Shape> shapes = List.of(
                    new Shape(new int[] {2, 3, 4, 5}, 1, 1, true, false, false),
                    new Shape(new int[] {2, 3, 4, 5}, -2, -1, true, true, false),
                    new Shape(new int[] {2, 3, 4}, 0, 0, false, false, false));
            for (Shape s : effort.gradient(shapes)) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    private static ScaleLayer layer(Shape s) {
        return new ScaleLayer("scale", new ScaleLayer.Spec(s.axis(), s.twoBottoms() ? 1 : s.numAxes(), null, s.bias(), null, s.twoBottoms()));
    }

    private static LayerRig rig(Engine e, ScaleLayer layer, Shape s, int[] run) {
        int[][] bottoms = s.twoBottoms() ? new int[][] {s.shape(), run} : new int[][] {s.shape()};
        return s.inPlace() ? LayerRig.inPlace(e, layer, bottoms) : LayerRig.of(e, layer, bottoms);
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        ScaleLayer layer = layer(s);
        int[] run = AxisSpan.runShape(layer, s.shape(), s.axis(), s.numAxes());
        AxisSpan span = AxisSpan.of(layer, s.shape(), s.axis(), run);
        try (LayerRig rig = rig(e, layer, s, run)) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -3, 3);
            float[] scale = RandomData.uniform(r, span.dim(), -2, 2);
            float[] bias = s.bias() ? RandomData.uniform(r, span.dim(), -1, 1) : null;
            rig.bottom(0).upload(x);
            (s.twoBottoms() ? rig.bottom(1) : rig.param(0)).upload(scale);
            int biasIndex = s.twoBottoms() ? 0 : 1;
            if (s.bias()) {
                rig.param(biasIndex).upload(bias);
            }
            rig.forward(Pass.train(0, 1));
            t.compare("forward", rig.top(0).download(), ScaleReference.forward(x, scale, bias, span.dim(), span.inner()), 1e-6, 1e-6);
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.top(0).uploadDiff(dy);
            float[] scaleHeld = s.twoBottoms() ? new float[span.dim()] : RandomData.uniform(r, span.dim(), -1, 1);
            float[] biasHeld = RandomData.uniform(r, span.dim(), -1, 1);
            // A bottom's diff is overwritten (garbage before), a parameter's accumulated.
            (s.twoBottoms() ? rig.bottom(1) : rig.param(0)).uploadDiff(s.twoBottoms() ? RandomData.uniform(r, span.dim(), 5, 9) : scaleHeld);
            if (s.bias()) {
                rig.param(biasIndex).uploadDiff(biasHeld);
            }
            boolean[] down = new boolean[rig.bottoms().size()];
            Arrays.fill(down, true);
            rig.backward(down, Pass.train(0, 1));
            t.compare("scale diff", (s.twoBottoms() ? rig.bottom(1) : rig.param(0)).downloadDiff(),
                    ScaleReference.scaleDiff(dy, x, span.dim(), span.inner(), scaleHeld), 1e-4, 1e-5);
            if (s.bias()) {
                t.compare("bias diff", rig.param(biasIndex).downloadDiff(), BiasReference.biasDiff(dy, span.dim(), span.inner(), biasHeld),
                        1e-4, 1e-5);
            }
            t.compare("bottom diff", rig.bottom(0).downloadDiff(), ScaleReference.bottomDiff(dy, scale, span.dim(), span.inner()), 1e-6, 1e-6);
        }
    }

    /** Every bottom and every learned blob (the layer is linear in each, so any data will do). */
    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        ScaleLayer layer = layer(s);
        int[] run = AxisSpan.runShape(layer, s.shape(), s.axis(), s.numAxes());
        try (LayerRig rig = rig(e, layer, s, run)) {
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
