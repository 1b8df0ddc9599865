package org.graft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.graft.net.FusionNets.entry;
import static org.graft.net.FusionNets.inputs;
import static org.graft.net.FusionNets.sameParamDiffs;
import static org.graft.net.FusionNets.step;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.layers.ReluFusable;
import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.ops.pooling.PoolingLayer;
import org.graft.ops.relu.ReLULayer;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

/** The net's ReLU fusion: which ReLUs are fused, and that fused nets compute what unfused ones do, to the bit. */
class ReluFusionTest {
    private final Engine e = TestEngines.get();



    private static ReLULayer relu(String name) {
        return new ReLULayer(name, new ReLULayer.Spec(0f));
    }

    /**
     * conv1 (3x3, im2col) + relu1 -> pool1 -> conv2 (1x1, GEMM on NCHW) + relu2 -> conv3 (1x1, no bias) + relu3 ->
     * fc4 + relu4 -> fc5 -> loss: every fused kind, each ReLU in place.
     */
    private Net net(boolean fuse) {
        List<Net.Entry> layers = List.of(
                entry(new ConvolutionLayer("conv1", ConvolutionLayer.Spec.square(4, 3, 1, 1)), "data", "conv1"),
                entry(relu("relu1"), "conv1", "conv1"),
                entry(new PoolingLayer("pool1", PoolingLayer.Spec.max(2, 2)), "conv1", "pool1"),
                entry(new ConvolutionLayer("conv2", ConvolutionLayer.Spec.square(5, 1, 1, 0)), "pool1", "conv2"),
                entry(relu("relu2"), "conv2", "conv2"),
                entry(new ConvolutionLayer("conv3", new ConvolutionLayer.Spec(3, 1, 1, 1, 1, 0, 0, 1, 1, 1, false)), "conv2", "conv3"),
                entry(relu("relu3"), "conv3", "conv3"),
                entry(new InnerProductLayer("fc4", new InnerProductLayer.Spec(6)), "conv3", "fc4"),
                entry(relu("relu4"), "fc4", "fc4"),
                entry(new InnerProductLayer("fc5", new InnerProductLayer.Spec(4)), "fc4", "fc5"),
                new Net.Entry(new SoftmaxWithLossLayer("loss", SoftmaxWithLossLayer.Spec.defaults()), List.of("fc5", "label"),
                        List.of("loss")));
        return new Net(e, "fusion", inputs(15, 15), layers, true, fuse); // pooled to 8x8: conv2 and conv3 take the direct 1x1 path
    }


    @Test
    void fusesEachInPlaceReluIntoTheConvolutionOrInnerProductBeforeIt() {
        try (Net net = net(true)) {
            assertThat(net.fusedRelus()).isEqualTo(4);
            for (String[] pair : new String[][] {{"conv1", "relu1"}, {"conv2", "relu2"}, {"conv3", "relu3"}, {"fc4", "relu4"}}) {
                assertThat(((ReluFusable) net.layer(pair[0])).reluFused()).as(pair[0]).isTrue();
                assertThat(((ReLULayer) net.layer(pair[1])).fusedInto()).isEqualTo(pair[0]);
            }
            assertThat(((ReluFusable) net.layer("fc5")).reluFused()).isFalse();
            assertThat(net.blob("pool1").shape()).containsExactly(3, 4, 8, 8);
        }
        try (Net net = net(false)) {
            assertThat(net.fusedRelus()).isZero();
            assertThat(((ReLULayer) net.layer("relu1")).fusedInto()).isNull();
        }
    }

    /** Bias + ReLU after the same GEMM, and the same mask before the same GEMMs: identical bits everywhere. */
    @Test
    void fusedAndUnfusedNetsAgreeToTheBit() {
        try (Net fused = net(true); Net apart = net(false)) {
            step(fused, 7, 0, 3, 1);
            step(apart, 7, 0, 3, 1);
            assertThat(fused.loss()).isEqualTo(apart.loss());
            for (String blob : List.of("conv1", "pool1", "conv2", "conv3", "fc4", "fc5")) {
                assertThat(fused.blob(blob).download()).as(blob).isEqualTo(apart.blob(blob).download());
            }
            // force_backward: the data diff too; conv1..fc4's top diffs differ (the fused ones stay unmasked) and nothing reads them.
            assertThat(fused.blob("data").downloadDiff()).isEqualTo(apart.blob("data").downloadDiff());
            sameParamDiffs(fused, apart);
        }
    }

    @Test
    void leavesReluApartWhereAnotherLayerCouldTellTheDifference() {
        List<Net.Entry> layers = new ArrayList<>(List.of(
                // a ReLU with its own top
                entry(new ConvolutionLayer("conv1", ConvolutionLayer.Spec.square(4, 3, 1, 1)), "data", "conv1"),
                entry(relu("relu1"), "conv1", "r1"),
                // a leaky ReLU
                entry(new ConvolutionLayer("conv2", ConvolutionLayer.Spec.square(4, 1, 1, 0)), "r1", "conv2"),
                entry(new ReLULayer("relu2", new ReLULayer.Spec(0.1f)), "conv2", "conv2"),
                // a pre-ReLU value read by a second layer (an implicit Split stands between them)
                entry(new InnerProductLayer("fc3", new InnerProductLayer.Spec(5)), "conv2", "fc3"),
                entry(new InnerProductLayer("side", new InnerProductLayer.Spec(5)), "fc3", "side"),
                entry(relu("relu3"), "fc3", "fc3"),
                new Net.Entry(new SoftmaxWithLossLayer("loss", SoftmaxWithLossLayer.Spec.defaults()), List.of("fc3", "label"),
                        List.of("loss"))));
        try (Net net = new Net(e, "apart", inputs(15, 15), layers, false, true)) {
            assertThat(net.fusedRelus()).isZero();
        }
    }

    @Test
    void aProbeOfTheProducerStillSeesThePreReluValues() {
        try (Net fused = net(true); Net apart = net(false)) {
            step(fused, 7, 0, 3, 1);
            step(apart, 7, 0, 3, 1);
            Map<String, ForwardProbe.Capture> f = ForwardProbe.run(fused, List.of("conv1", "relu1", "fc4"), Pass.test());
            Map<String, ForwardProbe.Capture> a = ForwardProbe.run(apart, List.of("conv1", "relu1", "fc4"), Pass.test());
            for (String name : f.keySet()) {
                assertThat(f.get(name).data()).as(name).isEqualTo(a.get(name).data());
            }
            float min = Float.MAX_VALUE;
            for (float v : f.get("conv1").data()) {
                min = Math.min(min, v);
            }
            assertThat(min).as("conv1 before its ReLU").isNegative();
            assertThat(((ReLULayer) fused.layer("relu1")).fusedInto()).as("fused again after the probe").isEqualTo("conv1");
        }
    }

    @Test
    void theTimingTableShowsTheFusedRelu() {
        try (Net net = net(true)) {
            step(net, 7, 0, 3, 1);
            String table = NetTimer.format(NetTimer.time(net, 1, true));
            assertThat(table).containsPattern("relu1 +ReLU +fused into conv1").containsPattern("relu4 +ReLU +fused into fc4");
        }
    }

    @Test
    void refusesAnUnknownFuseSetting() {
        String before = System.getProperty("graft.fuse");
        System.setProperty("graft.fuse", "sometimes");
        try {
            assertThatThrownBy(LayerFusion::wanted).hasMessageContaining("GRAFT_FUSE").hasMessageContaining("sometimes")
                    .hasMessageContaining("on, all or off");
            System.setProperty("graft.fuse", "off");
            assertThat(LayerFusion.wanted()).isEqualTo(LayerFusion.Mode.OFF);
            System.setProperty("graft.fuse", "All");
            assertThat(LayerFusion.wanted()).isEqualTo(LayerFusion.Mode.ALL);
            System.setProperty("graft.fuse", "on");
            assertThat(LayerFusion.wanted()).isEqualTo(LayerFusion.Mode.ON);
        } finally {
            if (before == null) {
                System.clearProperty("graft.fuse");
            } else {
                System.setProperty("graft.fuse", before);
            }
        }
    }
}
