package org.graft.ops.accuracy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.softmax.SoftmaxCase;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link AccuracyLayer} against {@link AccuracyReference}. Tolerance: exact,
 * since it is a ratio of two exact integer counts divided once in float. Scores are
 * quantised to eighths so that ties, and Caffe's rule that a tie counts against the true class, occur.
 */
public final class AccuracyCase {
    public record Shape(int[] shape, int axis, int topK, Integer ignore) {
        @Override
        public String toString() {
            return RandomData.shape(shape) + " axis " + axis + " top-" + topK + (ignore == null ? "" : " ignore " + ignore);
        }
    }

    public static final List<Shape> AWKWARD = List.of(
            new Shape(new int[] {3, 6, 5, 5}, 1, 2, null),
            new Shape(new int[] {256, 1000}, 1, 5, null),
            new Shape(new int[] {37, 11}, 1, 5, -1),
            new Shape(new int[] {50, 10}, 1, 1, null),
            new Shape(new int[] {50, 10}, 1, 5, null),
            new Shape(new int[] {256, 1000}, 1, 1, null),
            new Shape(new int[] {1, 7}, 1, 1, null),
            new Shape(new int[] {1, 7}, 1, 3, null),
            new Shape(new int[] {4, 3, 7}, 2, 1, null),
            new Shape(new int[] {600, 3}, 1, 1, 2),
            new Shape(new int[] {7, 4}, 0, 2, null),
            new Shape(new int[] {2, 3, 5, 4}, -1, 2, null),
            new Shape(new int[] {5, 2, 3}, 0, 1, 1),
            new Shape(new int[] {3, 1, 2, 2}, 1, 1, null),
            new Shape(new int[] {2, 9, 1, 1}, 1, 3, null));

    private AccuracyCase() {
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Accuracy", "exact", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(AWKWARD)) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                int[] shape = Arrays.copyOf(new int[] {1 + r.nextInt(200), 1 + r.nextInt(50), 1 + r.nextInt(4), 1 + r.nextInt(4)},
                        2 + r.nextInt(3));
                int axis = r.nextInt(2 * shape.length) - shape.length;
                int channels = shape[axis < 0 ? axis + shape.length : axis];
                Shape s = new Shape(shape, axis, 1 + r.nextInt(channels), r.nextBoolean() ? null : 0);
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        int[] shape = s.shape();
        int a = s.axis() < 0 ? s.axis() + shape.length : s.axis();
        int outer = SoftmaxCase.prod(shape, 0, a);
        int channels = shape[a];
        int inner = SoftmaxCase.prod(shape, a + 1, shape.length);
        float[] scores = RandomData.uniform(r, SoftmaxCase.prod(shape, 0, shape.length), 0, 1);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = Math.round(scores[i] * 8) / 8f;
        }
        float[] labels = new float[outer * inner];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = s.ignore() != null && r.nextInt(4) == 0 ? s.ignore() : r.nextInt(channels);
        }
        AccuracyLayer layer = new AccuracyLayer("accuracy", new AccuracyLayer.Spec(s.topK(), s.axis(), s.ignore()));
        try (LayerRig rig = LayerRig.of(e, layer, shape, new int[] {labels.length})) {
            rig.bottom(0).upload(scores);
            rig.bottom(1).upload(labels);
            rig.forward(Pass.test());
            layer.checkLabels();
            t.compare("accuracy", rig.top(0).download(),
                    new float[] {AccuracyReference.accuracy(scores, labels, outer, channels, inner, s.topK(), s.ignore())}, 0, 0);
        }
    }
}
