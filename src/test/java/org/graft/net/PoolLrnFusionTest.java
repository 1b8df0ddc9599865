package org.graft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.graft.net.FusionNets.entry;
import static org.graft.net.FusionNets.inputs;
import static org.graft.net.FusionNets.sameParamDiffs;
import static org.graft.net.FusionNets.step;

import java.util.List;
import org.graft.engine.Engine;
import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.ops.lrn.LRNLayer;
import org.graft.ops.pooling.PoolingLayer;
import org.graft.ops.relu.ReLULayer;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

/** The net's MAX pooling + cross-channel LRN fusion: which pairs are fused, and that fused nets compute what unfused ones do, to the bit. */
class PoolLrnFusionTest {
    private final Engine e = TestEngines.get();



    /**
     * CaffeNet's start twice: conv1 + relu1 -> pool1 (3/2) -> norm1 (5, beta 0.75) -> conv2 + relu2 -> pool2 (2/2, pad 1)
     * -> norm2 (3, beta 0.6, more channels than the window) -> fc3 -> loss.
     */
    private Net net(boolean fuse) {
        List<Net.Entry> layers = List.of(
                entry(new ConvolutionLayer("conv1", ConvolutionLayer.Spec.square(4, 3, 1, 1)), "data", "conv1"),
                entry(new ReLULayer("relu1", new ReLULayer.Spec(0f)), "conv1", "conv1"),
                entry(new PoolingLayer("pool1", PoolingLayer.Spec.max(3, 2)), "conv1", "pool1"),
                entry(new LRNLayer("norm1", LRNLayer.Spec.across(5, 1f, 0.75f, 1f)), "pool1", "norm1"),
                entry(new ConvolutionLayer("conv2", ConvolutionLayer.Spec.square(7, 3, 1, 1)), "norm1", "conv2"),
                entry(new ReLULayer("relu2", new ReLULayer.Spec(0f)), "conv2", "conv2"),
                entry(new PoolingLayer("pool2", PoolingLayer.Spec.max(2, 2, 1)), "conv2", "pool2"),
                entry(new LRNLayer("norm2", LRNLayer.Spec.across(3, 2f, 0.6f, 1.5f)), "pool2", "norm2"),
                entry(new InnerProductLayer("fc3", new InnerProductLayer.Spec(4)), "norm2", "fc3"),
                new Net.Entry(new SoftmaxWithLossLayer("loss", SoftmaxWithLossLayer.Spec.defaults()), List.of("fc3", "label"),
                        List.of("loss")));
        return new Net(e, "poollrn", inputs(15, 13), layers, true, fuse);
    }


    @Test
    void fusesEachLrnIntoTheMaxPoolingBeforeIt() {
        try (Net net = net(true)) {
            assertThat(net.fusedPoolLrns()).isEqualTo(2);
            assertThat(net.fusedRelus()).isEqualTo(2);
            assertThat(((PoolingLayer) net.layer("pool1")).fusedLrn()).isSameAs(net.layer("norm1"));
            assertThat(net.layer("norm1").fusedInto()).isEqualTo("pool1");
            assertThat(net.layer("norm2").fusedInto()).isEqualTo("pool2");
        }
        try (Net net = net(false)) {
            assertThat(net.fusedPoolLrns()).isZero();
            assertThat(((PoolingLayer) net.layer("pool1")).fusedLrn()).isNull();
            assertThat(net.layer("norm1").fusedInto()).isNull();
        }
    }

    /** Both blobs of each pair hold their values, and every gradient matches: identical bits everywhere. */
    @Test
    void fusedAndUnfusedNetsAgreeToTheBit() {
        try (Net fused = net(true); Net apart = net(false)) {
            step(fused, 11, 2, 0, 3);
            step(apart, 11, 2, 0, 3);
            assertThat(fused.loss()).isEqualTo(apart.loss());
            for (String blob : List.of("conv1", "pool1", "norm1", "conv2", "pool2", "norm2", "fc3")) {
                assertThat(fused.blob(blob).download()).as(blob).isEqualTo(apart.blob(blob).download());
            }
            for (String blob : List.of("data", "pool1", "norm1", "pool2", "norm2")) {
                assertThat(fused.blob(blob).downloadDiff()).as(blob + " diff").isEqualTo(apart.blob(blob).downloadDiff());
            }
            sameParamDiffs(fused, apart);
            float[] pooled = fused.blob("pool1").download();
            float[] normed = fused.blob("norm1").download();
            assertThat(normed).as("alpha 1 changes the values").isNotEqualTo(pooled);
        }
    }

    @Test
    void leavesThePairApartWhereFusingCouldChangeSomething() {
        List<Net.Entry> layers = List.of(
                // AVE pooling
                entry(new PoolingLayer("pool1", PoolingLayer.Spec.ave(3, 2)), "data", "pool1"),
                entry(new LRNLayer("norm1", LRNLayer.Spec.across(5, 1f, 0.75f, 1f)), "pool1", "norm1"),
                // a WITHIN_CHANNEL LRN
                entry(new PoolingLayer("pool2", PoolingLayer.Spec.max(2, 1)), "norm1", "pool2"),
                entry(new LRNLayer("norm2", LRNLayer.Spec.within(3, 1f, 0.75f)), "pool2", "norm2"),
                // the pooled blob read by a second layer (an implicit Split stands between them)
                entry(new PoolingLayer("pool3", PoolingLayer.Spec.max(2, 1)), "norm2", "pool3"),
                entry(new LRNLayer("norm3", LRNLayer.Spec.across(3, 1f, 0.75f, 1f)), "pool3", "norm3"),
                entry(new InnerProductLayer("side", new InnerProductLayer.Spec(4)), "pool3", "side"),
                // a loss weight on the LRN's top
                entry(new PoolingLayer("pool4", PoolingLayer.Spec.max(2, 1)), "norm3", "pool4"),
                new Net.Entry(new LRNLayer("norm4", LRNLayer.Spec.across(3, 1f, 0.75f, 1f)), List.of("pool4"), List.of("norm4"),
                        List.of(0.5f)),
                new Net.Entry(new InnerProductLayer("fc", new InnerProductLayer.Spec(4)), List.of("norm4"), List.of("fc")),
                new Net.Entry(new SoftmaxWithLossLayer("loss", SoftmaxWithLossLayer.Spec.defaults()), List.of("fc", "label"),
                        List.of("loss")));
        try (Net net = new Net(e, "apart", inputs(15, 13), layers, false, true)) {
            assertThat(net.fusedPoolLrns()).isZero();
        }
    }

    /** GRAFT_FUSE=on leaves the pair apart on CPUs, where the fused kernel measured slower; all and off apply everywhere. */
    @Test
    void onlyAskingForAllFusesThePair() {
        assertThat(LayerFusion.Mode.ON.kinds()).containsExactly(LayerFusion.Kind.RELU);
        assertThat(LayerFusion.Mode.ALL.kinds()).containsExactlyInAnyOrder(LayerFusion.Kind.RELU, LayerFusion.Kind.POOL_LRN);
        assertThat(LayerFusion.Mode.OFF.kinds()).isEmpty();
    }

    @Test
    void theTimingTableShowsTheFusedLrnWithItsOwnBackward() {
        try (Net net = net(true)) {
            step(net, 11, 2, 0, 3);
            String table = NetTimer.format(NetTimer.time(net, 1, true));
            assertThat(table).containsPattern("norm1 +LRN +fused into pool1 +\\d+\\.\\d{3}")
                    .containsPattern("norm2 +LRN +fused into pool2 +\\d+\\.\\d{3}");
        }
    }
}
