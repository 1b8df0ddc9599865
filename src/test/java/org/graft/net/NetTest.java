package org.graft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.layers.AccuracyLayer;
import org.graft.layers.ConvolutionLayer;
import org.graft.layers.InnerProductLayer;
import org.graft.layers.Layer;
import org.graft.layers.Pass;
import org.graft.layers.ReLULayer;
import org.graft.layers.SoftmaxWithLossLayer;
import org.graft.layers.SplitLayer;
import org.graft.testing.Rand;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

class NetTest {
    private final Engine e = TestEngines.get();

    private static Map<String, int[]> inputs(int batch) {
        Map<String, int[]> in = new LinkedHashMap<>();
        in.put("data", new int[] {batch, 2, 6, 6});
        in.put("label", new int[] {batch});
        return in;
    }

    private static Net.Entry entry(Layer l, List<String> bottoms, List<String> tops, float... mults) {
        List<float[]> m = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < mults.length; i += 2) {
            m.add(new float[] {mults[i], mults[i + 1]});
        }
        return new Net.Entry(l, bottoms, tops, List.of(), m);
    }

    private Net smallNet(float conv1Lr) {
        return new Net(e, "t", inputs(3), List.of(
                entry(new ConvolutionLayer("conv1", ConvolutionLayer.Spec.square(4, 3, 1, 1)), List.of("data"), List.of("conv1"),
                        conv1Lr, conv1Lr, conv1Lr, conv1Lr),
                entry(new ReLULayer("relu1", new ReLULayer.Spec(0f)), List.of("conv1"), List.of("conv1")),
                entry(new InnerProductLayer("ip", new InnerProductLayer.Spec(5, true, false, 1)), List.of("conv1"), List.of("ip")),
                entry(new AccuracyLayer("acc", AccuracyLayer.Spec.defaults()), List.of("ip", "label"), List.of("acc")),
                entry(new SoftmaxWithLossLayer("loss", SoftmaxWithLossLayer.Spec.defaults()), List.of("ip", "label"), List.of("loss"))));
    }

    @Test
    void insertsASplitWhereABlobFeedsTwoLayersAndSharesInPlaceBlobs() {
        try (Net net = smallNet(1f)) {
            // ip feeds both acc and loss: a Split right after ip, each consumer with its own copy.
            List<Net.Entry> es = net.entries();
            // The label input feeds both too, so it gets a Split first.
            assertThat(es).extracting(en -> en.layer().type())
                    .containsExactly("Split", "Convolution", "ReLU", "InnerProduct", "Split", "Accuracy", "SoftmaxWithLoss");
            assertThat(es.get(0).bottoms()).containsExactly("label");
            assertThat(es.get(4).layer()).isInstanceOf(SplitLayer.class);
            assertThat(es.get(5).bottoms().get(0)).isNotEqualTo(es.get(6).bottoms().get(0));
            assertThat(es.get(5).bottoms().get(1)).isNotEqualTo(es.get(6).bottoms().get(1));
            // In place: relu's top is conv1's blob.
            assertThat(net.tops(2).get(0)).isSameAs(net.tops(1).get(0));
            assertThat(net.blob("ip").shape()).containsExactly(3, 5);
        }
    }

    @Test
    void backwardRunsOnlyWhereGradientsAreNeeded() {
        try (Net trained = smallNet(1f); Net frozen = smallNet(0f)) {
            // Accuracy never runs backward; everything feeding the loss does when conv1 learns.
            assertThat(trained.needsBackward(0)).isFalse(); // the label split
            assertThat(trained.needsBackward(1)).isTrue();
            assertThat(trained.needsBackward(5)).isFalse();
            assertThat(trained.needsBackward(6)).isTrue();
            assertThat(trained.propagateDown(6)).containsExactly(true, false);
            // A frozen first layer whose input needs no gradient runs forward only, as in Caffe,
            // and so does the in-place ReLU above it; ip still learns.
            assertThat(frozen.needsBackward(1)).isFalse();
            assertThat(frozen.needsBackward(2)).isFalse();
            assertThat(frozen.needsBackward(3)).isTrue();
            assertThat(frozen.propagateDown(3)).containsExactly(false);
        }
    }

    @Test
    void forwardAndBackwardProduceAFiniteLossAndGradients() {
        try (Net net = smallNet(1f)) {
            Random r = new Random(3);
            net.blob("data").upload(Rand.uniform(r, 3 * 2 * 6 * 6, -1, 1));
            net.blob("label").upload(new float[] {0, 4, 2});
            for (var p : net.params()) {
                p.blob().upload(Rand.gaussian(r, p.blob().count(), 0.1f));
                p.blob().zeroDiff();
            }
            Pass pass = Pass.train(0, 1);
            net.forward(pass);
            net.backward(pass);
            double loss = net.loss();
            // Small random weights: the softmax is near uniform over 5 classes, loss near ln 5.
            assertThat(loss).isBetween(Math.log(5) - 0.5, Math.log(5) + 0.5);
            for (var p : net.params()) {
                float[] g = p.blob().downloadDiff();
                double norm = 0;
                for (float v : g) {
                    norm += (double) v * v;
                }
                assertThat(norm).as("gradient of %s %s: %s", p.name(), p.blob().shapeString(), java.util.Arrays.toString(g))
                        .isPositive().isFinite();
            }
        }
    }

    @Test
    void reportsUnknownBottomsAndBadInPlaceUse() {
        assertThatThrownBy(() -> new Net(e, "t", inputs(1), List.of(
                entry(new ReLULayer("r", new ReLULayer.Spec(0f)), List.of("nothing"), List.of("x")))))
                .hasMessageContaining("'r'").hasMessageContaining("'nothing'");
        assertThatThrownBy(() -> new Net(e, "t", inputs(1), List.of(
                entry(new InnerProductLayer("ip", new InnerProductLayer.Spec(2, true, false, 1)), List.of("data"), List.of("data")))))
                .hasMessageContaining("'ip'").hasMessageContaining("in place");
    }
}
