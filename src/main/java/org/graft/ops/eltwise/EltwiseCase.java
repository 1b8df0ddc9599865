package org.graft.ops.eltwise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.graft.caffe.proto.Caffe.EltwiseParameter.EltwiseOp;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link EltwiseLayer} (SUM with and without coeff, PROD with both gradient forms, MAX with ties; 2 to 5
 * bottoms) against {@link EltwiseReference}, and its gradient check for every bottom. Tolerances, against
 * double: up to 5 float products or sums of terms |c·x| ≤ 4 round by at most ~5·20·6e-8 absolute and
 * 5·6e-8 relative, so 1e-5 + 1e-5·|ref| both ways; MAX and its gradient are exact copies (compared the same).
 * The tie shapes draw every input from {-1, 0, 1}, so the argmax's tie rule decides the backward result.
 */
public final class EltwiseCase {
    public record Shape(int[] shape, int bottoms, EltwiseLayer.Spec spec, boolean ties) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + " x" + bottoms + " " + spec.operation()
                    + (spec.coeff().isEmpty() ? "" : " coeff " + spec.coeff())
                    + (spec.stableProdGrad() ? "" : " unstable grad") + (ties ? " ties" : "");
        }
    }

    private static EltwiseLayer.Spec spec(EltwiseOp op, Float... coeff) {
        return new EltwiseLayer.Spec(op, List.of(coeff), true);
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {2, 5, 7, 3}, 2, spec(EltwiseOp.SUM), false),
            new Shape(new int[] {1, 1, 1, 1}, 3, spec(EltwiseOp.SUM, 0.5f, -2f, 1f), false),
            new Shape(new int[] {1, 3, 5, 7}, 2, spec(EltwiseOp.PROD), false),
            new Shape(new int[] {3, 7, 1, 1}, 5, spec(EltwiseOp.PROD), false),
            new Shape(new int[] {2, 4, 3, 3}, 3, new EltwiseLayer.Spec(EltwiseOp.PROD, List.of(), false), false),
            new Shape(new int[] {1, 9, 5, 5}, 2, spec(EltwiseOp.MAX), true),
            new Shape(new int[] {2, 3, 4, 5}, 5, spec(EltwiseOp.MAX), true),
            new Shape(new int[] {2, 13, 9, 11}, 3, spec(EltwiseOp.MAX), false),
            new Shape(new int[] {1, 1023}, 2, spec(EltwiseOp.SUM, 1f, -1f), false),
            new Shape(new int[] {2, 64, 27, 27}, 2, spec(EltwiseOp.SUM), false));

    private EltwiseCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Eltwise", "fwd and bwd 1e-5 + 1e-5*|ref|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = randomShape(r);
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    private static Shape randomShape(Random r) {
        int bottoms = 2 + r.nextInt(4);
        EltwiseOp op = EltwiseOp.values()[r.nextInt(3)];
        List<Float> coeff = new ArrayList<>();
        if (op == EltwiseOp.SUM && r.nextBoolean()) {
            for (int b = 0; b < bottoms; b++) {
                coeff.add(-2 + 4 * r.nextFloat());
            }
        }
        boolean stable = op != EltwiseOp.PROD || r.nextBoolean();
        int[] shape = {1 + r.nextInt(4), 1 + r.nextInt(20), 1 + r.nextInt(30), 1 + r.nextInt(30)};
        return new Shape(shape, bottoms, new EltwiseLayer.Spec(op, coeff, stable), op == EltwiseOp.MAX && r.nextBoolean());
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Eltwise gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            List<Shape> shapes = List.of(
                    new Shape(new int[] {2, 3, 4, 5}, 2, spec(EltwiseOp.SUM), false),
                    new Shape(new int[] {2, 3, 4, 5}, 3, spec(EltwiseOp.SUM, 0.5f, -1.5f, 2f), false),
                    new Shape(new int[] {2, 3, 4, 5}, 3, spec(EltwiseOp.PROD), false),
                    new Shape(new int[] {2, 3, 4, 5}, 3, new EltwiseLayer.Spec(EltwiseOp.PROD, List.of(), false), false),
                    new Shape(new int[] {2, 3, 4, 5}, 3, spec(EltwiseOp.MAX), false),
                    new Shape(new int[] {1, 3, 1, 5}, 5, spec(EltwiseOp.MAX), false));
            for (Shape s : effort.gradient(shapes)) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    /** Inputs: from {-1, 0, 1} for ties; for MAX, per element a random order of values ≥ 0.25 apart; else ±(0.3..1.5). */
    static List<float[]> inputs(Shape s, int n, Random r) {
        List<float[]> x = new ArrayList<>();
        for (int b = 0; b < s.bottoms(); b++) {
            x.add(new float[n]);
        }
        List<Integer> order = new ArrayList<>();
        for (int b = 0; b < s.bottoms(); b++) {
            order.add(b);
        }
        for (int i = 0; i < n; i++) {
            if (s.ties()) {
                for (float[] xb : x) {
                    xb[i] = r.nextInt(3) - 1;
                }
            } else if (s.spec().operation() == EltwiseOp.MAX) {
                Collections.shuffle(order, r);
                for (int b = 0; b < s.bottoms(); b++) {
                    x.get(order.get(b))[i] = -1f + 0.3f * b + 0.05f * r.nextFloat();
                }
            } else {
                for (float[] xb : x) {
                    xb[i] = (r.nextBoolean() ? 1 : -1) * (0.3f + 1.2f * r.nextFloat());
                }
            }
        }
        return x;
    }

    private static LayerRig rig(Engine e, Shape s) {
        int[][] shapes = new int[s.bottoms()][];
        Arrays.fill(shapes, s.shape());
        return LayerRig.of(e, new EltwiseLayer("eltwise", s.spec()), shapes);
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = rig(e, s)) {
            List<float[]> x = inputs(s, rig.top(0).count(), r);
            for (int b = 0; b < x.size(); b++) {
                rig.bottom(b).upload(x.get(b));
            }
            float[] dy = RandomData.uniform(r, rig.top(0).count(), -1, 1);
            rig.forward(Pass.train(0, 1));
            EltwiseReference.Forward ref = EltwiseReference.forward(s.spec(), x);
            t.compare("eltwise forward", rig.top(0).download(), ref.top(), 1e-5, 1e-5);
            rig.top(0).uploadDiff(dy);
            boolean[] down = new boolean[s.bottoms()];
            Arrays.fill(down, true);
            rig.backward(down, Pass.train(0, 1));
            for (int b = 0; b < s.bottoms(); b++) {
                t.compare("eltwise backward bottom[" + b + "]", rig.bottom(b).downloadDiff(),
                        EltwiseReference.backward(s.spec(), x, ref, dy, b), 1e-5, 1e-5);
            }
        }
    }

    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = rig(e, s)) {
            List<float[]> x = inputs(s, rig.top(0).count(), r);
            for (int b = 0; b < x.size(); b++) {
                rig.bottom(b).upload(x.get(b));
            }
            boolean[] down = new boolean[s.bottoms()];
            Arrays.fill(down, true);
            t.gradient(rig.gradient(new GradientCheck(), down, Pass.train(0, 1)));
        }
    }
}
