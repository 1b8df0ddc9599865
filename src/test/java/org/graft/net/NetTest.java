package org.graft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Pass;
import org.graft.layers.Phase;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.ops.accuracy.AccuracyLayer;
import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.ops.relu.ReLULayer;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossReference;
import org.graft.caffe.proto.Caffe.LossParameter.NormalizationMode;
import org.graft.ops.split.SplitLayer;
import org.graft.selftest.RandomData;
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
            step(net, 3);
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

    /** data -> conv1 -> relu1 (in place) -> ip -> loss, ip's propagate_down as given. */
    private Net chain(List<Boolean> ipPropagateDown, float conv1Lr, boolean forceBackward) {
        return new Net(e, "t", inputs(3), List.of(
                entry(new ConvolutionLayer("conv1", ConvolutionLayer.Spec.square(4, 3, 1, 1)), List.of("data"), List.of("conv1"),
                        conv1Lr, conv1Lr, conv1Lr, conv1Lr),
                entry(new ReLULayer("relu1", new ReLULayer.Spec(0f)), List.of("conv1"), List.of("conv1")),
                new Net.Entry(new InnerProductLayer("ip", new InnerProductLayer.Spec(5, true, false, 1)), List.of("conv1"),
                        List.of("ip"), List.of(), List.of(), ipPropagateDown),
                entry(new AccuracyLayer("acc", AccuracyLayer.Spec.defaults()), List.of("ip", "label"), List.of("acc")),
                entry(new SoftmaxWithLossLayer("loss", SoftmaxWithLossLayer.Spec.defaults()), List.of("ip", "label"), List.of("loss"))),
                forceBackward);
    }

    /** Random data, labels and weights, zeroed parameter diffs, then one forward and backward pass. */
    private static void step(Net net, long seed) {
        Random r = new Random(seed);
        net.blob("data").upload(RandomData.uniform(r, 3 * 2 * 6 * 6, -1, 1));
        net.blob("label").upload(new float[] {0, 4, 2});
        for (var p : net.params()) {
            p.blob().upload(RandomData.gaussian(r, p.blob().count(), 0.1f));
            p.blob().zeroDiff();
        }
        Pass pass = Pass.train(0, 1);
        net.forward(pass);
        net.backward(pass);
    }

    private static double sumOfSquares(float[] values) {
        double s = 0;
        for (float v : values) {
            s += (double) v * v;
        }
        return s;
    }

    @Test
    void propagateDownFalseStopsTheGradientAndTheLayersBelowGetNone() {
        try (Net net = chain(List.of(false), 1f, false)) {
            // Entries: label split, conv1, relu1, ip, ip split, acc, loss.
            assertThat(net.entries().get(3).layer().name()).isEqualTo("ip");
            assertThat(net.propagateDown(3)).containsExactly(false);
            assertThat(net.needsBackward(3)).isTrue(); // ip still learns its own weights
            assertThat(net.needsBackward(2)).isFalse(); // relu1 and conv1 are cut off, as in Caffe
            assertThat(net.needsBackward(1)).isFalse();
            step(net, 5);
            Layer conv1 = net.layer("conv1");
            for (var p : conv1.params()) {
                assertThat(sumOfSquares(p.blob().downloadDiff())).as(p.name()).isZero();
            }
            for (var p : net.layer("ip").params()) {
                assertThat(sumOfSquares(p.blob().downloadDiff())).as(p.name()).isPositive();
            }
        }
        // The same net without the flag does send the gradient down to conv1.
        try (Net net = chain(List.of(), 1f, false)) {
            assertThat(net.propagateDown(3)).containsExactly(true);
            step(net, 5);
            for (var p : net.layer("conv1").params()) {
                assertThat(sumOfSquares(p.blob().downloadDiff())).as(p.name()).isPositive();
            }
        }
    }

    @Test
    void forceBackwardMakesEveryLayerComputeItsBottomGradients() {
        try (Net plain = chain(List.of(), 0f, false); Net forced = chain(List.of(), 0f, true)) {
            // conv1 is frozen and reads the input: without force_backward it runs forward only.
            assertThat(plain.needsBackward(1)).isFalse();
            assertThat(plain.propagateDown(1)).containsExactly(false);
            for (int i = 0; i < forced.entries().size(); i++) {
                assertThat(forced.needsBackward(i)).as(forced.entries().get(i).layer().name()).isTrue();
            }
            assertThat(forced.propagateDown(1)).containsExactly(true); // down to the net's input
            assertThat(forced.propagateDown(2)).containsExactly(true);
            assertThat(forced.propagateDown(6)).containsExactly(true, false); // never to the labels
            assertThat(forced.propagateDown(5)).containsExactly(false, false); // Accuracy has no gradient
            step(forced, 5);
            assertThat(sumOfSquares(forced.blob("data").downloadDiff())).isPositive();
        }
    }

    @Test
    void theBuiltNetKnowsItsOutputsFillersAndDeclaredBlobNames() {
        String json = """
                {"name": "owns", "layers": [
                  {"name": "in", "type": "Input", "top": ["data", "label"],
                   "input_param": {"shape": [{"dim": [2, 3]}, {"dim": [2]}]}},
                  {"name": "ip", "type": "InnerProduct", "bottom": ["data"], "top": ["ip"],
                   "inner_product_param": {"num_output": 4, "weight_filler": {"type": "constant", "value": 0.5},
                                           "bias_filler": {"type": "constant", "value": -2}}},
                  {"name": "relu", "type": "ReLU", "bottom": ["ip"], "top": ["ip"]},
                  {"name": "top2", "type": "Accuracy", "bottom": ["ip", "label"], "top": ["top2"],
                   "accuracy_param": {"top_k": 2}},
                  {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["ip", "label"], "top": ["loss"], "loss_weight": [3]}]}
                """;
        NetConfig cfg = NetConfigLoader.parse(json, Path.of("owns.json"));
        try (NetBuilder.PhaseNet p = NetBuilder.build(e, cfg, Phase.TRAIN, 1, null, 0)) {
            Net net = p.net();
            assertThat(net.outputs()).containsExactly(new Net.Output("top2", "top2", 2, 0f), new Net.Output("loss", "loss", 0, 3f));
            // The in-place ReLU's top keeps its declared name although a Split now reads it.
            assertThat(net.declaredEntries().get(1).tops()).containsExactly("ip");
            assertThat(net.unreadTops()).containsExactly("top2", "loss");
            net.fill(7);
            assertThat(net.layer("ip").params().get(0).blob().download()).containsOnly(0.5f);
            assertThat(net.layer("ip").params().get(1).blob().download()).containsOnly(-2f);
        }
    }

    /**
     * A per-position classifier along the last axis (Caffe's axis semantics): InnerProduct over axis 3,
     * SoftmaxWithLoss and Accuracy along axis -1 with N×H×W labels; the net builds, its loss is the
     * reference's and the weights get a gradient.
     */
    @Test
    void trainsAClassifierAlongTheLastAxis() {
        String json = """
                {"name": "last-axis", "layers": [
                  {"name": "in", "type": "Input", "top": ["data", "label"],
                   "input_param": {"shape": [{"dim": [2, 3, 4, 5]}, {"dim": [2, 3, 4]}]}},
                  {"name": "ip", "type": "InnerProduct", "bottom": ["data"], "top": ["ip"],
                   "inner_product_param": {"num_output": 6, "axis": 3, "weight_filler": {"type": "gaussian", "std": 0.5}}},
                  {"name": "acc", "type": "Accuracy", "bottom": ["ip", "label"], "top": ["acc"], "accuracy_param": {"axis": -1}},
                  {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["ip", "label"], "top": ["loss"], "softmax_param": {"axis": -1}}]}
                """;
        NetConfig cfg = NetConfigLoader.parse(json, Path.of("last-axis.json"));
        Random r = new Random(3);
        try (NetBuilder.PhaseNet p = NetBuilder.build(e, cfg, Phase.TRAIN, 1, null, 0)) {
            Net net = p.net();
            net.fill(5);
            float[] labels = new float[24];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = r.nextInt(6);
            }
            net.blob("data").upload(RandomData.uniform(r, 120, -1, 1));
            net.blob("label").upload(labels);
            Pass pass = Pass.train(0, 1);
            net.forward(pass);
            net.backward(pass);
            assertThat(net.blob("ip").shape()).containsExactly(2, 3, 4, 6);
            float[] scores = net.blob("ip").download();
            float expected = SoftmaxWithLossReference.forward(scores, labels, 24, 6, 1, null,
                    NormalizationMode.VALID).loss();
            assertThat(net.loss()).isCloseTo(expected, within(1e-4));
            assertThat(net.blob("acc").download()[0]).isBetween(0f, 1f);
            assertThat(sumOfSquares(net.layer("ip").params().get(0).blob().downloadDiff())).isPositive();
        }
    }

    @Test
    void refusesPropagateDownToABottomWithoutGradient() {
        assertThatThrownBy(() -> new Net(e, "t", inputs(1), List.of(
                new Net.Entry(new SoftmaxWithLossLayer("loss", SoftmaxWithLossLayer.Spec.defaults()), List.of("data", "label"),
                        List.of("loss"), List.of(), List.of(), List.of(true, true)))))
                .hasMessageContaining("'loss'").hasMessageContaining("propagate_down[1]");
    }

    @Test
    void theNetJsonFlagsReachTheBuiltNet() {
        String json = """
                {"name": "flags", "force_backward": %s, "layers": [
                  {"name": "in", "type": "Input", "top": ["data", "label"],
                   "input_param": {"shape": [{"dim": [2, 3]}, {"dim": [2]}]}},
                  {"name": "ip1", "type": "InnerProduct", "bottom": ["data"], "top": ["ip1"],
                   "inner_product_param": {"num_output": 4}},
                  {"name": "ip2", "type": "InnerProduct", "bottom": ["ip1"], "top": ["ip2"], "propagate_down": [false],
                   "inner_product_param": {"num_output": 3}},
                  {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["ip2", "label"], "top": ["loss"]}]}
                """;
        NetConfig cut = NetConfigLoader.parse(json.formatted("false"), Path.of("flags.json"));
        try (NetBuilder.PhaseNet p = NetBuilder.build(e, cut, Phase.TRAIN, 1, null, 0)) {
            assertThat(p.net().propagateDown(1)).containsExactly(false);
            assertThat(p.net().needsBackward(0)).isFalse();
        }
        NetConfig forced = NetConfigLoader.parse(json.formatted("true"), Path.of("flags.json"));
        try (NetBuilder.PhaseNet p = NetBuilder.build(e, forced, Phase.TRAIN, 1, null, 0)) {
            assertThat(p.net().needsBackward(0)).isTrue();
            assertThat(p.net().propagateDown(0)).containsExactly(true);
            assertThat(p.net().propagateDown(1)).containsExactly(true);
        }
    }

    @Test
    void theTestNetSharesTheTrainNetsParameterBlobs() {
        String json = """
                {"name": "shared", "layers": [
                  {"name": "in", "type": "Input", "top": ["data", "label"], "include": [{"phase": "TRAIN"}],
                   "input_param": {"shape": [{"dim": [4, 3]}, {"dim": [4]}]}},
                  {"name": "in", "type": "Input", "top": ["data", "label"], "include": [{"phase": "TEST"}],
                   "input_param": {"shape": [{"dim": [2, 3]}, {"dim": [2]}]}},
                  {"name": "ip", "type": "InnerProduct", "bottom": ["data"], "top": ["ip"],
                   "param": [{"lr_mult": 1}, {"lr_mult": 2}], "inner_product_param": {"num_output": 5}},
                  {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["ip", "label"], "top": ["loss"]}]}
                """;
        NetConfig cfg = NetConfigLoader.parse(json, Path.of("shared.json"));
        try (NetBuilder.PhaseNet train = NetBuilder.build(e, cfg, Phase.TRAIN, 1, null, 0)) {
            Layer trainIp = train.net().layer("ip");
            float[] weights = RandomData.uniform(new Random(2), 15, -1, 1);
            try (NetBuilder.PhaseNet test = NetBuilder.build(e, cfg, Phase.TEST, 1, null, 0, false, train.net())) {
                Layer testIp = test.net().layer("ip");
                for (int p = 0; p < 2; p++) {
                    assertThat(testIp.params().get(p).blob()).isSameAs(trainIp.params().get(p).blob());
                }
                assertThat(test.net().blob("ip").shape()).containsExactly(2, 5);
                trainIp.params().get(0).blob().upload(weights);
                assertThat(testIp.params().get(0).blob().download()).containsExactly(weights);
            }
            // Closing the TEST net leaves the TRAIN net's blobs, and their multipliers, alone.
            assertThat(trainIp.params().get(0).blob().download()).containsExactly(weights);
            assertThat(trainIp.params().get(1).lrMult()).isEqualTo(2f);
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
