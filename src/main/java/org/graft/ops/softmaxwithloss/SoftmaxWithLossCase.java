package org.graft.ops.softmaxwithloss;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.caffe.proto.Caffe.LossParameter.NormalizationMode;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.ops.softmax.SoftmaxCase;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer.Spec;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link SoftmaxWithLossLayer} against {@link SoftmaxWithLossReference}, and its gradient check.
 * Tolerances: loss 1e-5 + 1e-5*|ref| (per-sample −log p in
 * float, summed over ≤ 600 samples); probabilities as Softmax, 1e-8 + 3e-5*|ref|; score gradient
 * (p − onehot)*scale, one rounding past p: 1e-7 + 3e-5*|ref|.
 */
public final class SoftmaxWithLossCase {
    public static final double LOSS_ABS = 1e-5;
    public static final double LOSS_REL = 1e-5;
    public static final double PROB_ABS = 1e-8;
    public static final double PROB_REL = 3e-5;
    public static final double GRAD_ABS = 1e-7;
    public static final double GRAD_REL = 3e-5;

    public record Shape(int[] shape, int axis, Integer ignore, NormalizationMode norm) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + " axis " + axis + (ignore == null ? "" : " ignore " + ignore) + " " + norm;
        }

        int a() {
            return axis < 0 ? axis + shape.length : axis;
        }

        int outer() {
            return SoftmaxCase.prod(shape, 0, a());
        }

        int channels() {
            return shape[a()];
        }

        int inner() {
            return SoftmaxCase.prod(shape, a() + 1, shape.length);
        }

        /** Labels keep every dim but the class axis (Caffe only checks the count). */
        int[] labelShape() {
            if (a() == 1 && shape.length == 2) {
                return new int[] {shape[0]};
            }
            int[] s = new int[shape.length - 1];
            for (int i = 0, j = 0; i < shape.length; i++) {
                if (i != a()) {
                    s[j++] = shape[i];
                }
            }
            return s;
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {3, 4, 5, 2}, 2, -1, NormalizationMode.BATCH_SIZE),
            new Shape(new int[] {256, 1000}, 1, null, NormalizationMode.VALID),
            new Shape(new int[] {13, 17}, 1, 3, NormalizationMode.NONE),
            new Shape(new int[] {5, 10}, 1, null, NormalizationMode.VALID),
            new Shape(new int[] {1, 1000}, 1, null, NormalizationMode.VALID),
            new Shape(new int[] {600, 3}, 1, null, NormalizationMode.FULL),
            new Shape(new int[] {7, 1}, 1, null, NormalizationMode.VALID),
            new Shape(new int[] {2, 7, 3, 5}, 1, null, NormalizationMode.VALID),
            new Shape(new int[] {1, 5, 3, 3}, 1, 255, NormalizationMode.VALID),
            new Shape(new int[] {3, 4, 5, 2}, -1, 0, NormalizationMode.NONE),
            new Shape(new int[] {13, 17}, 1, 3, NormalizationMode.FULL),
            new Shape(new int[] {13, 17}, 1, 3, NormalizationMode.VALID),
            new Shape(new int[] {13, 17}, 1, 3, NormalizationMode.BATCH_SIZE),
            new Shape(new int[] {6, 4}, 0, null, NormalizationMode.BATCH_SIZE),
            new Shape(new int[] {2, 3, 50}, -1, 1, NormalizationMode.VALID),
            new Shape(new int[] {40, 2, 3, 2}, 0, null, NormalizationMode.FULL),
            new Shape(new int[] {2, 1, 3, 3}, 1, null, NormalizationMode.VALID),
            new Shape(new int[] {3, 5, 1, 1}, 1, null, NormalizationMode.VALID));

    public static final List<Shape> GRADIENT = List.of(
            new Shape(new int[] {2, 3, 2, 2}, 1, 1, NormalizationMode.VALID),
            new Shape(new int[] {4, 5}, 1, null, NormalizationMode.VALID),
            new Shape(new int[] {2, 3, 4}, 2, null, NormalizationMode.FULL),
            new Shape(new int[] {1, 4}, 1, null, NormalizationMode.NONE),
            new Shape(new int[] {3, 4}, 1, 0, NormalizationMode.BATCH_SIZE),
            new Shape(new int[] {4, 2, 3}, 0, null, NormalizationMode.VALID),
            new Shape(new int[] {2, 2, 35}, -1, null, NormalizationMode.VALID));

    private SoftmaxWithLossCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("SoftmaxWithLoss", "loss 1e-5 + 1e-5*|ref|; grad 1e-7 + 3e-5*|ref|", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            NormalizationMode[] modes = NormalizationMode.values();
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s;
                do { // at most 600 samples, as the loss tolerance assumes
                    int[] shape = Arrays.copyOf(new int[] {1 + r.nextInt(100), 1 + r.nextInt(100), 1 + r.nextInt(4), 1 + r.nextInt(4)},
                            2 + r.nextInt(3));
                    s = new Shape(shape, r.nextInt(2 * shape.length) - shape.length, r.nextBoolean() ? null : r.nextInt(5),
                            modes[r.nextInt(modes.length)]);
                } while (s.outer() * s.inner() > 600);
                Shape shape = s;
                t.run(shape.toString(), () -> check(e, shape, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("SoftmaxWithLoss gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            for (Shape s : effort.gradient(GRADIENT)) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    /** Scores in [-4, 4]; a share of the labels set to the ignore label when there is one. */
    private static LayerRig rig(Engine e, Shape s, Random r, float ignoreShare, float[][] data) {
        float[] x = RandomData.uniform(r, SoftmaxCase.prod(s.shape(), 0, s.shape().length), -4, 4);
        float[] y = new float[s.outer() * s.inner()];
        for (int i = 0; i < y.length; i++) {
            y[i] = s.ignore() != null && r.nextFloat() < ignoreShare ? s.ignore() : r.nextInt(s.channels());
        }
        LayerRig rig = LayerRig.of(e, new SoftmaxWithLossLayer("loss", new Spec(s.axis(), s.ignore(), s.norm())), s.shape(), s.labelShape());
        rig.bottom(0).upload(x);
        rig.bottom(1).upload(y);
        data[0] = x;
        data[1] = y;
        return rig;
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        float[][] data = new float[2][];
        try (LayerRig rig = rig(e, s, r, 0.3f, data)) {
            SoftmaxWithLossLayer layer = (SoftmaxWithLossLayer) rig.layer();
            rig.forward(Pass.train(0, 1));
            layer.checkLabels();
            SoftmaxWithLossReference.Result ref = SoftmaxWithLossReference.forward(data[0], data[1], s.outer(), s.channels(), s.inner(),
                    s.ignore(), s.norm());
            t.compare("loss", rig.top(0).download(), new float[] {ref.loss()}, LOSS_ABS, LOSS_REL);
            t.compare("probabilities", layer.probabilities().download(), ref.probabilities(), PROB_ABS, PROB_REL);
            float lossWeight = 0.75f;
            rig.top(0).uploadDiff(new float[] {lossWeight});
            rig.backward(new boolean[] {true, false}, Pass.train(0, 1));
            float[] expected = SoftmaxWithLossReference.backward(ref.probabilities(), data[1], s.outer(), s.channels(), s.inner(),
                    s.ignore(), lossWeight, ref.normaliser());
            t.compare("score gradient", rig.bottom(0).downloadDiff(), expected, GRAD_ABS, GRAD_REL);
        }
    }

    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = rig(e, s, r, 0.25f, new float[2][])) {
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true, false}, Pass.train(0, 1)));
        }
    }
}
