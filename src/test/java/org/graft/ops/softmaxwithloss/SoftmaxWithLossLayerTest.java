package org.graft.ops.softmaxwithloss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.graft.ops.softmax.SoftmaxLayerTest.parse;
import static org.graft.ops.softmax.SoftmaxLayerTest.prod;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.graft.caffe.CaffeImporter;
import org.graft.caffe.WeightShapes;
import org.graft.layers.Phase;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.NetConfigWriter;
import org.graft.ops.accuracy.AccuracyLayer;
import org.graft.ops.softmax.SoftmaxLayer;
import org.assertj.core.data.Offset;
import org.graft.caffe.proto.Caffe.LossParameter.NormalizationMode;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SoftmaxWithLossLayerTest {
    @TempDir
    Path tmp;

    /**
     * A per-pixel classifier as Caffe writes one: scores N×H×W×C with the classes on the last axis, labels
     * N×H×W; Softmax, SoftmaxWithLoss and Accuracy along axis -1 (and 3) import, write back and check the labels.
     */
    @Test
    void anyAxisImportsRoundTripsAndChecksTheLabels() throws Exception {
        Path f = tmp.resolve("pixels.prototxt");
        Files.writeString(f, """
                name: "pixels"
                layer { name: "data" type: "Input" top: "scores" top: "label"
                        input_param { shape { dim: 2 dim: 3 dim: 4 dim: 5 } shape { dim: 2 dim: 3 dim: 4 } } }
                layer { name: "prob" type: "Softmax" bottom: "scores" top: "prob" softmax_param { axis: -1 } }
                layer { name: "loss" type: "SoftmaxWithLoss" bottom: "scores" bottom: "label" top: "loss"
                        softmax_param { axis: 3 } loss_param { ignore_label: 255 } }
                layer { name: "acc" type: "Accuracy" bottom: "prob" bottom: "label" top: "acc" accuracy_param { axis: -1 top_k: 2 } }
                """);
        NetConfig net = CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp).config();
        assertThat(net.layers().get(1).settings(SoftmaxLayer.Spec.class).axis()).isEqualTo(-1);
        assertThat(net.layers().get(2).settings(SoftmaxWithLossLayer.Spec.class))
                .isEqualTo(new SoftmaxWithLossLayer.Spec(3, 255, NormalizationMode.VALID));
        assertThat(net.layers().get(3).settings(AccuracyLayer.Spec.class)).isEqualTo(new AccuracyLayer.Spec(2, -1, null));
        String json = NetConfigWriter.toJson(net);
        assertThat(json).contains("\"axis\": 3").contains("\"axis\": -1").contains("\"top_k\": 2").contains("\"ignore_label\": 255");
        assertThat(NetConfigLoader.parse(json, tmp.resolve("out/net.json")).layers()).isEqualTo(net.layers());
        assertThat(WeightShapes.blobShapes(net, Phase.TEST).get("loss")).containsExactly(1);

        // Caffe checks only the count: outer·inner = 2·3·4 labels, in any shape; 2·3 is refused naming both shapes.
        SoftmaxWithLossLayer loss = new SoftmaxWithLossLayer("loss", new SoftmaxWithLossLayer.Spec(-1, null, NormalizationMode.VALID));
        assertThat(loss.shapes(List.of(new int[] {2, 3, 4, 5}, new int[] {24})).tops()).containsExactly(new int[] {1});
        assertThatThrownBy(() -> loss.shapes(List.of(new int[] {2, 3, 4, 5}, new int[] {2, 3})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 'loss'")
                .hasMessageContaining("outside axis 3, i.e. 24 values for scores of shape [2, 3, 4, 5]");
        AccuracyLayer acc = new AccuracyLayer("acc", new AccuracyLayer.Spec(6, 0, null));
        assertThatThrownBy(() -> acc.shapes(List.of(new int[] {5, 3}, new int[] {3})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("top_k = 6 must lie in [1, 5]");
    }

    /** Scores, labels, the layer and its top, set up and filled; closes everything. */
    private record Fixture(SoftmaxWithLossLayer layer, Blob scores, Blob labels, Blob loss, float[] x, float[] y,
                           int outer, int channels, int inner) implements AutoCloseable {
        static Fixture make(String shapeText, int axis, Integer ignore, NormalizationMode norm, long seed, float ignoreShare) {
            Engine e = TestEngines.get();
            int[] shape = parse(shapeText);
            int a = axis < 0 ? axis + shape.length : axis;
            int outer = prod(shape, 0, a);
            int channels = shape[a];
            int inner = prod(shape, a + 1, shape.length);
            Random r = new Random(seed);
            float[] x = RandomData.uniform(r, Blob.count(shape), -4, 4);
            float[] y = new float[outer * inner];
            for (int i = 0; i < y.length; i++) {
                y[i] = ignore != null && r.nextFloat() < ignoreShare ? ignore : r.nextInt(channels);
            }
            int[] labelShape = a == 1 && shape.length == 2 ? new int[] {outer} : labelShape(shape, a);
            SoftmaxWithLossLayer layer = new SoftmaxWithLossLayer("loss", new SoftmaxWithLossLayer.Spec(axis, ignore, norm));
            List<int[]> tops = layer.setUp(e, List.of(shape, labelShape));
            assertThat(tops.get(0)).containsExactly(1);
            Blob scores = new Blob(e, "scores", shape);
            Blob labels = new Blob(e, "labels", labelShape);
            Blob loss = new Blob(e, "loss", 1);
            scores.upload(x);
            labels.upload(y);
            return new Fixture(layer, scores, labels, loss, x, y, outer, channels, inner);
        }

        /** Labels keep every dim but the class axis (Caffe only checks the count). */
        private static int[] labelShape(int[] shape, int axis) {
            int[] s = new int[shape.length - 1];
            for (int i = 0, j = 0; i < shape.length; i++) {
                if (i != axis) {
                    s[j++] = shape[i];
                }
            }
            return s;
        }

        float forward() {
            layer.forward(List.of(scores, labels), List.of(loss), Pass.train(0, 1));
            layer.checkLabels();
            return loss.download()[0];
        }

        float[] backward(float lossWeight) {
            loss.uploadDiff(new float[] {lossWeight});
            layer.backward(List.of(loss), List.of(scores, labels), new boolean[] {true, false}, Pass.train(0, 1));
            return scores.downloadDiff();
        }

        SoftmaxWithLossReference.Result reference(Integer ignore, NormalizationMode norm) {
            return SoftmaxWithLossReference.forward(x, y, outer, channels, inner, ignore, norm);
        }

        @Override
        public void close() {
            layer.close();
            scores.close();
            labels.close();
            loss.close();
        }
    }

    @Test
    void normalisationsDivideByTheirCounts() {
        // 6 samples, 2 of them ignored: FULL divides by 6, VALID by 4, BATCH_SIZE by 6 (axis 1, 2D), NONE by 1.
        float[] sums = new float[4];
        NormalizationMode[] modes = NormalizationMode.values();
        for (int m = 0; m < modes.length; m++) {
            try (Fixture f = Fixture.make("6x5", 1, 9, modes[m], 42, 0f)) {
                f.y()[1] = 9;
                f.y()[4] = 9;
                f.labels().upload(f.y());
                sums[m] = f.forward();
                Tally.requireClose(modes[m] + " loss", new float[] {sums[m]}, new float[] {f.reference(9, modes[m]).loss()}, SoftmaxWithLossCase.LOSS_ABS, SoftmaxWithLossCase.LOSS_REL);
            }
        }
        float total = sums[NormalizationMode.NONE.ordinal()];
        assertThat(sums[NormalizationMode.FULL.ordinal()]).isCloseTo(total / 6, Offset.offset(1e-5f));
        assertThat(sums[NormalizationMode.VALID.ordinal()]).isCloseTo(total / 4, Offset.offset(1e-5f));
        assertThat(sums[NormalizationMode.BATCH_SIZE.ordinal()]).isCloseTo(total / 6, Offset.offset(1e-5f));
    }

    @Test
    void ignoredSamplesGetNoGradientAndAllIgnoredGivesZeroLoss() {
        try (Fixture f = Fixture.make("4x3", 1, -1, NormalizationMode.VALID, 5, 0f)) {
            f.y()[2] = -1;
            f.labels().upload(f.y());
            f.forward();
            float[] dx = f.backward(1f);
            for (int c = 0; c < 3; c++) {
                assertThat(dx[2 * 3 + c]).isZero();
                assertThat(dx[c]).isNotZero();
            }
            java.util.Arrays.fill(f.y(), -1f);
            f.labels().upload(f.y());
            assertThat(f.forward()).isZero(); // normaliser is max(1, 0) = 1, sum 0
            assertThat(f.backward(1f)).containsOnly(0f);
        }
    }

    @Test
    void lossWeightIsReadFromTheTopDiff() {
        try (Fixture f = Fixture.make("8x6", 1, null, NormalizationMode.VALID, 11, 0f)) {
            f.forward();
            float[] one = f.backward(1f);
            float[] scaled = f.backward(2.5f);
            float[] zero = f.backward(0f);
            for (int i = 0; i < one.length; i++) {
                assertThat(scaled[i]).isCloseTo(2.5f * one[i], Offset.offset(1e-6f));
            }
            for (float d : zero) {
                assertThat(d == 0f).as("gradient with loss weight 0 is ±0").isTrue();
            }
        }
    }

    @Test
    void largeLogitsGiveAFiniteLoss() {
        try (Fixture f = Fixture.make("3x4", 1, null, NormalizationMode.VALID, 3, 0f)) {
            float[] x = {1000, -1000, 0, 500, -1000, -1000, -1000, -1000, 1000, 999, 998, -1000};
            float[] y = {1, 2, 0};
            f.scores().upload(x);
            f.labels().upload(y);
            float loss = f.forward();
            // Sample 0: p = exp(-2000) underflows, clamped to FLT_MIN: −log FLT_MIN ≈ 87.34.
            float expected = SoftmaxWithLossReference.forward(x, y, 3, 4, 1, null, NormalizationMode.VALID).loss();
            assertThat(Float.isFinite(loss)).isTrue();
            assertThat(expected).isGreaterThan(87.33f / 3);
            Tally.requireClose("large-logit loss", new float[] {loss}, new float[] {expected}, SoftmaxWithLossCase.LOSS_ABS, SoftmaxWithLossCase.LOSS_REL);
            for (float d : f.backward(1f)) {
                assertThat(Float.isFinite(d)).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "bad label {0}")
    @CsvSource({"10, 10", "-3, -3", "1e10, 1.0E10", "NaN, NaN"})
    void badLabelIsReportedWithLayerLabelAndClassCount(float bad, String shown) {
        try (Fixture f = Fixture.make("5x10", 1, 255, NormalizationMode.VALID, 8, 0f)) {
            f.y()[3] = bad;
            f.labels().upload(f.y());
            f.layer().forward(List.of(f.scores(), f.labels()), List.of(f.loss()), Pass.train(0, 1));
            assertThat(Float.isFinite(f.loss().download()[0])).isTrue();
            assertThatThrownBy(() -> f.layer().checkLabels())
                    .hasMessageContaining("'loss'")
                    .hasMessageContaining("label " + shown)
                    .hasMessageContaining("sample 3")
                    .hasMessageContaining("[0, 10)")
                    .hasMessageContaining("10 classes");
            // The flag is cleared once reported; correct labels then pass.
            f.y()[3] = 255;
            f.labels().upload(f.y());
            f.forward();
            f.layer().checkLabels();
        }
    }

    @Test
    void refusesLabelsOfTheWrongCountAndGradientsForLabels() {
        Engine e = TestEngines.get();
        SoftmaxWithLossLayer layer = new SoftmaxWithLossLayer("loss", SoftmaxWithLossLayer.Spec.defaults());
        assertThatThrownBy(() -> layer.setUp(e, List.of(new int[] {4, 5}, new int[] {5})))
                .hasMessageContaining("'loss'").hasMessageContaining("4 values");
        try (Fixture f = Fixture.make("2x3", 1, null, NormalizationMode.VALID, 1, 0f)) {
            f.forward();
            assertThatThrownBy(() -> f.layer().backward(List.of(f.loss()), List.of(f.scores(), f.labels()),
                    new boolean[] {true, true}, Pass.train(0, 1))).hasMessageContaining("labels");
        }
    }
}
