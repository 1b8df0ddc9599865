package org.graft.net.config;

import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.testing.Repo;

import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.ops.pooling.PoolingLayer;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetConfigWriterTest {
    @Test
    void theFullExampleSurvivesARoundTrip() {
        Path file = Path.of("/nets/full/net.json");
        NetConfig net = NetConfigLoader.parse(NetConfigLoaderTest.FULL, file);
        String json = NetConfigWriter.toJson(net);
        assertThat(NetConfigLoader.parse(json, file)).isEqualTo(net);
    }

    @Test
    void theFashionMnistExampleSurvivesARoundTripFromAnotherFolder(@TempDir Path dir) {
        NetConfig net = NetConfigLoader.load(Repo.path("examples/fashion-mnist/net.json"));
        Path copy = dir.resolve("sub/net.json");
        NetConfigWriter.write(net, copy);
        NetConfig back = NetConfigLoader.load(copy);
        // Paths were written absolute, so moving the file changes nothing but the file itself.
        assertThat(back.layers()).isEqualTo(net.layers());
        assertThat(back.solver()).isEqualTo(net.solver());
        assertThat(back.name()).isEqualTo(net.name());
    }

    /** Every net.json the repository commits (examples, the committed grid's cells) is written back to the same configuration. */
    @Test
    void everyCommittedNetJsonSurvivesARoundTrip(@TempDir Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Files.walk(Repo.path("examples")), Files.walk(Repo.path("docs/results")))) {
            files = s.filter(f -> f.getFileName().toString().equals("net.json")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(2);
        for (Path f : files) {
            NetConfig net = NetConfigLoader.load(f);
            Path copy = dir.resolve(Repo.path("").relativize(f).toString().replace('/', '_'));
            NetConfigWriter.write(net, copy);
            NetConfig back = NetConfigLoader.load(copy);
            assertThat(back.layers()).as(f.toString()).isEqualTo(net.layers());
            assertThat(back.solver()).as(f.toString()).isEqualTo(net.solver());
            assertThat(back.init()).as(f.toString()).isEqualTo(net.init());
            assertThat(back.forceBackward()).as(f.toString()).isEqualTo(net.forceBackward());
            assertThat(back.name()).as(f.toString()).isEqualTo(net.name());
        }
    }

    @Test
    void configsBuiltInCodeWriteOnlyNonDefaultValues() {
        LayerConfig in = LayerConfig.builder("in", LayerType.INPUT).top("data", "label")
                .input(new InputParam(List.of(BlobShape.of(4, 3, 9, 7), BlobShape.of(4)))).build();
        LayerConfig conv = LayerConfig.builder("conv", LayerType.CONVOLUTION).bottom("data").top("conv")
                .param(ParamSpec.of(0, 0), ParamSpec.of(0, 0))
                .settings(new ConvolutionLayer.Spec(6, 3, 1, 2, 1, 0, 0, 1, 2, 3, true).withFillers(
                        Caffe.FillerParameter.newBuilder().setType("msra").setVarianceNorm(Caffe.FillerParameter.VarianceNorm.FAN_OUT).build(),
                        Caffe.FillerParameter.newBuilder().setType("uniform").setMin(-0.5f).setMax(0.5f).build())).build();
        LayerConfig relu = LayerConfig.builder("relu", LayerType.RELU).bottom("conv").top("conv").build();
        LayerConfig pool = LayerConfig.builder("pool", LayerType.POOLING).bottom("conv").top("pool")
                .settings(PoolingLayer.Spec.global(Caffe.PoolingParameter.PoolMethod.AVE)).build();
        LayerConfig fc = LayerConfig.builder("fc", LayerType.INNER_PRODUCT).bottom("pool").top("fc")
                .settings(new InnerProductLayer.Spec(5).withFillers(Caffe.FillerParameter.newBuilder().setType("positive_unitball").build(),
                        Caffe.FillerParameter.newBuilder().setValue(0.1f).build())).build();
        LayerConfig loss = LayerConfig.builder("loss", LayerType.SOFTMAX_WITH_LOSS).bottom("fc", "label").top("loss")
                .settings(new SoftmaxWithLossLayer.Spec(1, null, Caffe.LossParameter.NormalizationMode.NONE)).exclude(Phase.TEST).build();
        SolverConfig solver = SolverConfig.builder(0.05, SolverConfig.LrPolicy.SIGMOID, 100).gamma(-0.1).stepsize(50)
                .randomSeed(7).clipGradients(10).topKReport(List.of(1, 3)).snapshotPrefix(Path.of("/out/x")).build();
        NetConfig net = new NetConfig("built", true, List.of(in, conv, relu, pool, fc, loss), solver,
                new InitConfig(Path.of("/w/base.caffemodel")), null);

        String json = NetConfigWriter.toJson(net);
        NetConfig back = NetConfigLoader.parse(json, Path.of("/elsewhere/net.json"));
        assertThat(back.layers()).isEqualTo(net.layers());
        assertThat(back.solver()).isEqualTo(net.solver());
        assertThat(back.init()).isEqualTo(net.init());
        assertThat(back.forceBackward()).isTrue();

        assertThat(json).contains("\"kernel_h\": 3,").contains("\"kernel_w\": 1,").contains("\"dilation\": [1, 2]")
                .contains("\"stride_h\": 2,")
                .contains("\"lr_mult\": 0").contains("\"gamma\": -0.1").contains("\"exclude\": [\n");
        assertThat(json).as("defaults are left out").doesNotContain("relu_param").doesNotContain("bias_term")
                .doesNotContain("test_initialization").doesNotContain("\"axis\"");
    }
}
