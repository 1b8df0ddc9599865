package org.graft.ops.accuracy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.graft.ops.softmax.SoftmaxLayerTest.parse;

import java.util.List;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

/**
 * Accuracy is a ratio of two exact integer counts (≤ 2^24, summed exactly in float on the device)
 * divided once in float, so device and reference agree exactly; the tests compare with isEqualTo.
 */
class AccuracyLayerTest {

    private static float run(String shapeText, int axis, int topK, Integer ignore, float[] scores, float[] labels) {
        Engine e = TestEngines.get();
        int[] shape = parse(shapeText);
        AccuracyLayer layer = new AccuracyLayer("accuracy", new AccuracyLayer.Spec(topK, axis, ignore));
        List<int[]> tops = layer.setUp(e, List.of(shape, new int[] {labels.length}));
        assertThat(tops.get(0)).containsExactly(1);
        try (layer; Blob s = new Blob(e, "scores", shape); Blob l = new Blob(e, "labels", labels.length); Blob top = new Blob(e, "acc", 1)) {
            s.upload(scores);
            l.upload(labels);
            layer.forward(List.of(s, l), List.of(top), Pass.test());
            layer.checkLabels();
            return top.download()[0];
        }
    }

    @Test
    void topOneAndTopTwoByHand() {
        float[] scores = {
            0.1f, 0.7f, 0.2f, // label 1: top-1
            0.5f, 0.3f, 0.2f, // label 1: second
            0.1f, 0.2f, 0.7f, // label 0: last
            0.3f, 0.3f, 0.4f  // label 2: top-1
        };
        float[] labels = {1, 1, 0, 2};
        assertThat(run("4x3", 1, 1, null, scores, labels)).isEqualTo(0.5f);
        assertThat(run("4x3", 1, 2, null, scores, labels)).isEqualTo(0.75f);
        assertThat(run("4x3", 1, 3, null, scores, labels)).isEqualTo(1f);
    }

    @Test
    void tiesCountAgainstTheTrueClassAsInCaffe() {
        // The true class ties with one other class: not top-1, but top-2.
        float[] tie = {0.4f, 0.4f, 0.2f};
        assertThat(run("1x3", 1, 1, null, tie, new float[] {0})).isZero();
        assertThat(run("1x3", 1, 2, null, tie, new float[] {0})).isEqualTo(1f);
        // Constant scores (a dead net) are never right for k < C.
        float[] constant = new float[10 * 5];
        float[] labels = {0, 1, 2, 3, 4, 0, 1, 2, 3, 4};
        assertThat(run("10x5", 1, 1, null, constant, labels)).isZero();
        assertThat(run("10x5", 1, 4, null, constant, labels)).isZero();
        assertThat(run("10x5", 1, 5, null, constant, labels)).isEqualTo(1f);
        // A class scoring strictly lower than the true one never counts against it.
        float[] below = {0.5f, 0.2f, 0.2f, 0.1f};
        assertThat(run("1x4", 1, 1, null, below, new float[] {0})).isEqualTo(1f);
    }

    @Test
    void ignoredSamplesAreNotCounted() {
        float[] scores = {0.9f, 0.1f, 0.9f, 0.1f, 0.1f, 0.9f};
        assertThat(run("3x2", 1, 1, 7, scores, new float[] {0, 7, 0})).isEqualTo(0.5f);
        assertThat(run("3x2", 1, 1, 7, scores, new float[] {7, 7, 7})).isZero();
        assertThat(run("3x2", 1, 1, null, scores, new float[] {0, 0, 0})).isEqualTo(2f / 3f);
    }

    @Test
    void nanScoresAreNeverCountedAsCorrect() {
        float nan = Float.NaN;
        float[] allNan = {nan, nan, nan, nan, nan, nan, nan, nan};
        // Issue 12: a model with NaN weights scored 100% because every comparison with NaN is false.
        assertThat(run("2x4", 1, 1, null, allNan, new float[] {0, 3})).isZero();
        assertThat(run("2x4", 1, 4, null, allNan, new float[] {0, 3})).isZero();
        // A NaN in another class is not beaten by the true class: wrong at top-1, right at top-2.
        float[] oneNan = {0.9f, nan, 0.1f, 0.2f};
        assertThat(run("1x4", 1, 1, null, oneNan, new float[] {0})).isZero();
        assertThat(run("1x4", 1, 2, null, oneNan, new float[] {0})).isEqualTo(1f);
        for (int k : new int[] {1, 2, 4}) {
            assertThat(AccuracyReference.accuracy(allNan, new float[] {0, 3}, 2, 4, 1, k, null)).isZero();
            assertThat(run("1x4", 1, k, null, oneNan, new float[] {0}))
                    .isEqualTo(AccuracyReference.accuracy(oneNan, new float[] {0}, 1, 4, 1, k, null));
        }
    }

    @Test
    void badLabelIsReported() {
        Engine e = TestEngines.get();
        AccuracyLayer layer = new AccuracyLayer("acc", AccuracyLayer.Spec.defaults());
        layer.setUp(e, List.of(new int[] {2, 4}, new int[] {2}));
        try (layer; Blob s = new Blob(e, "scores", 2, 4); Blob l = new Blob(e, "labels", 2); Blob top = new Blob(e, "acc", 1)) {
            s.upload(new float[8]);
            l.upload(new float[] {1, 4});
            layer.forward(List.of(s, l), List.of(top), Pass.test());
            assertThatThrownBy(layer::checkLabels).hasMessageContaining("'acc'").hasMessageContaining("label 4")
                    .hasMessageContaining("[0, 4)");
        }
    }

    @Test
    void refusesGradientsAndBadTopK() {
        Engine e = TestEngines.get();
        AccuracyLayer layer = new AccuracyLayer("acc", AccuracyLayer.Spec.defaults());
        layer.setUp(e, List.of(new int[] {2, 4}, new int[] {2}));
        try (layer) {
            layer.backward(List.of(), List.of(), new boolean[] {false, false}, Pass.test()); // nothing asked: fine
            assertThatThrownBy(() -> layer.backward(List.of(), List.of(), new boolean[] {true, false}, Pass.test()))
                    .hasMessageContaining("'acc'").hasMessageContaining("no gradient");
        }
        AccuracyLayer top5 = new AccuracyLayer("acc5", new AccuracyLayer.Spec(5, 1, null));
        assertThatThrownBy(() -> top5.setUp(e, List.of(new int[] {2, 4}, new int[] {2})))
                .hasMessageContaining("top_k = 5");
    }
}
