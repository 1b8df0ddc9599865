package org.graft.caffe;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.graft.caffe.proto.Caffe.LayerParameter;
import org.graft.caffe.proto.Caffe.NetParameter;
import org.graft.caffe.proto.Caffe.ParamSpec;
import org.graft.caffe.proto.Caffe.Phase;
import org.graft.caffe.proto.Caffe.PoolingParameter;
import org.graft.caffe.proto.Caffe.SolverParameter;
import org.graft.caffe.proto.Caffe.V0LayerParameter;
import org.graft.caffe.proto.Caffe.V1LayerParameter;
import org.junit.jupiter.api.Test;

class NetUpgraderTest {
    static final Path LEGACY = Repo.path("testdata", "caffe", "legacy");

    @Test
    void upgradesV0DeployNet() {
        NetParameter raw = CaffeFiles.readNetTextRaw(LEGACY.resolve("v0_deploy.prototxt"));
        assertThat(raw.getLayersCount()).isEqualTo(11);
        assertThat(raw.getLayers(0).hasLayer()).isTrue();

        List<String> warnings = new ArrayList<>();
        NetParameter net = NetUpgrader.upgrade(raw, "v0_deploy.prototxt", warnings::add);
        assertThat(warnings).isEmpty();
        assertThat(net.getName()).isEqualTo("TinyV0Net");
        assertThat(net.getLayersCount()).isZero();
        assertThat(net.getInputCount()).isZero();
        assertThat(net.getInputDimCount()).isZero();
        // The two padding layers are gone; the legacy input header became an Input layer placed first.
        assertThat(names(net)).containsExactly("input", "conv1", "relu1", "pool1", "norm1", "conv2", "pool2", "fc3", "drop3", "prob");
        assertThat(types(net)).containsExactly("Input", "Convolution", "ReLU", "Pooling", "LRN", "Convolution", "Pooling",
                "InnerProduct", "Dropout", "Softmax");

        LayerParameter input = layer(net, "input");
        assertThat(input.getTopList()).containsExactly("data");
        assertThat(input.getInputParam().getShape(0).getDimList()).containsExactly(10L, 3L, 32L, 32L);

        LayerParameter conv1 = layer(net, "conv1");
        assertThat(conv1.getBottomList()).containsExactly("data");
        assertThat(conv1.getConvolutionParam().getNumOutput()).isEqualTo(16);
        assertThat(conv1.getConvolutionParam().getKernelSizeList()).containsExactly(5);
        assertThat(conv1.getConvolutionParam().getStrideList()).containsExactly(2);
        assertThat(conv1.getConvolutionParam().getPadList()).isEmpty();
        assertThat(conv1.getConvolutionParam().getWeightFiller().getType()).isEqualTo("gaussian");
        assertThat(conv1.getConvolutionParam().getWeightFiller().getStd()).isEqualTo(0.01f);
        assertThat(multipliers(conv1)).containsExactly(1f, 1f, 2f, 0f);

        assertThat(layer(net, "relu1").getTopList()).containsExactly("conv1");
        LayerParameter pool1 = layer(net, "pool1");
        assertThat(pool1.getPoolingParam().getPool()).isEqualTo(PoolingParameter.PoolMethod.MAX);
        assertThat(pool1.getPoolingParam().getKernelSize()).isEqualTo(3);
        assertThat(pool1.getPoolingParam().getStride()).isEqualTo(2);

        LayerParameter norm1 = layer(net, "norm1");
        assertThat(norm1.getLrnParam().getLocalSize()).isEqualTo(5);
        assertThat(norm1.getLrnParam().getAlpha()).isEqualTo(0.0001f);
        assertThat(norm1.getLrnParam().getBeta()).isEqualTo(0.75f);

        // pad2 folded into conv2 (which now reads norm1), pad3 into pool2 (which now reads conv2).
        LayerParameter conv2 = layer(net, "conv2");
        assertThat(conv2.getBottomList()).containsExactly("norm1");
        assertThat(conv2.getConvolutionParam().getPadList()).containsExactly(2);
        assertThat(conv2.getConvolutionParam().getGroup()).isEqualTo(2);
        assertThat(conv2.getConvolutionParam().getBiasFiller().getValue()).isEqualTo(1f);
        LayerParameter pool2 = layer(net, "pool2");
        assertThat(pool2.getBottomList()).containsExactly("conv2");
        assertThat(pool2.getPoolingParam().getPad()).isEqualTo(1);
        assertThat(pool2.getPoolingParam().getPool()).isEqualTo(PoolingParameter.PoolMethod.AVE);

        LayerParameter fc3 = layer(net, "fc3");
        assertThat(fc3.getBottomList()).containsExactly("pool2");
        assertThat(fc3.getInnerProductParam().getNumOutput()).isEqualTo(10);
        assertThat(fc3.getInnerProductParam().getBiasTerm()).isTrue();
        assertThat(multipliers(fc3)).containsExactly(0f, 1f, 0f, 0f);
        assertThat(layer(net, "drop3").getDropoutParam().getDropoutRatio()).isEqualTo(0.4f);

        // Upgrading is idempotent: a V2 net comes back as it is.
        assertThat(NetUpgrader.needsUpgrade(net)).isFalse();
        assertThat(NetUpgrader.upgrade(net, "again")).isSameAs(net);
    }

    @Test
    void upgradesV0TrainNetDataLayer() {
        NetParameter net = CaffeFiles.readNetText(LEGACY.resolve("v0_train.prototxt"));
        assertThat(types(net)).containsExactly("Data", "InnerProduct", "SoftmaxWithLoss", "Accuracy");
        LayerParameter data = net.getLayer(0);
        assertThat(data.getTopList()).containsExactly("data", "label");
        assertThat(data.getDataParam().getSource()).isEqualTo("train-leveldb");
        assertThat(data.getDataParam().getBatchSize()).isEqualTo(64);
        assertThat(data.getDataParam().hasScale()).isFalse();
        assertThat(data.getDataParam().hasMeanFile()).isFalse();
        assertThat(data.getTransformParam().getScale()).isEqualTo(0.00390625f);
        assertThat(data.getTransformParam().getMeanFile()).isEqualTo("mean.binaryproto");
        assertThat(data.getTransformParam().getCropSize()).isEqualTo(27);
        assertThat(data.getTransformParam().getMirror()).isTrue();
        assertThat(net.getLayer(2).getBottomList()).containsExactly("fc1", "label");
    }

    @Test
    void upgradesV1Net() {
        NetParameter net = CaffeFiles.readNetText(LEGACY.resolve("v1_lenet_train_test.prototxt"));
        assertThat(net.getLayersCount()).isZero();
        assertThat(types(net)).containsExactly("Data", "Data", "Convolution", "Pooling", "InnerProduct", "ReLU", "InnerProduct",
                "Accuracy", "SoftmaxWithLoss");
        assertThat(net.getLayer(0).getInclude(0).getPhase()).isEqualTo(Phase.TRAIN);
        assertThat(net.getLayer(1).getInclude(0).getPhase()).isEqualTo(Phase.TEST);
        // scale moved from data_param to transform_param.
        assertThat(net.getLayer(0).getDataParam().hasScale()).isFalse();
        assertThat(net.getLayer(0).getTransformParam().getScale()).isEqualTo(0.00390625f);
        assertThat(net.getLayer(1).getDataParam().getBatchSize()).isEqualTo(100);

        LayerParameter conv1 = layer(net, "conv1");
        assertThat(conv1.getParamCount()).isEqualTo(2);
        assertThat(conv1.getParam(0).getLrMult()).isEqualTo(1f);
        assertThat(conv1.getParam(1).getLrMult()).isEqualTo(2f);
        assertThat(conv1.getParam(1).hasDecayMult()).isFalse(); // stays at Caffe's default 1
        assertThat(conv1.getParam(1).getDecayMult()).isEqualTo(1f);
        assertThat(multipliers(layer(net, "ip1"))).containsExactly(1f, 1f, 2f, 0f);
        assertThat(layer(net, "ip1").getInnerProductParam().getNumOutput()).isEqualTo(500);
        assertThat(layer(net, "pool1").getPoolingParam().getKernelSize()).isEqualTo(2);
        assertThat(layer(net, "accuracy").getInclude(0).getPhase()).isEqualTo(Phase.TEST);
    }

    @Test
    void v0PaddingFoldsIntoConvInBinaryNetsToo() {
        NetParameter raw = NetParameter.newBuilder()
                .addInput("data")
                .addLayers(V1LayerParameter.newBuilder().addBottom("data").addTop("padded")
                        .setLayer(V0LayerParameter.newBuilder().setName("pad1").setType("padding").setPad(3)))
                .addLayers(V1LayerParameter.newBuilder().addBottom("padded").addTop("conv1")
                        .setLayer(V0LayerParameter.newBuilder().setName("conv1").setType("conv").setNumOutput(4).setKernelsize(7)))
                .build();
        NetParameter net = NetUpgrader.upgrade(raw, "test");
        // An input without input_dim is how old caffemodels named the data blob: simply dropped.
        assertThat(names(net)).containsExactly("conv1");
        assertThat(net.getLayer(0).getBottomList()).containsExactly("data");
        assertThat(net.getLayer(0).getConvolutionParam().getPadList()).containsExactly(3);
        assertThat(net.getInputCount()).isZero();
    }

    @Test
    void reportsWhatCannotBeUpgraded() {
        NetParameter unknownType = NetParameter.newBuilder()
                .addLayers(V1LayerParameter.newBuilder().setLayer(V0LayerParameter.newBuilder().setName("x").setType("warp_drive")))
                .build();
        assertThatThrownBy(() -> NetUpgrader.upgrade(unknownType, "old.prototxt"))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("old.prototxt")
                .hasMessageContaining("'x'")
                .hasMessageContaining("'warp_drive'");

        NetParameter padIntoRelu = NetParameter.newBuilder()
                .addInput("data")
                .addLayers(V1LayerParameter.newBuilder().addBottom("data").addTop("p")
                        .setLayer(V0LayerParameter.newBuilder().setName("pad").setType("padding").setPad(1)))
                .addLayers(V1LayerParameter.newBuilder().addBottom("p").addTop("r")
                        .setLayer(V0LayerParameter.newBuilder().setName("relu").setType("relu")))
                .build();
        assertThatThrownBy(() -> NetUpgrader.upgrade(padIntoRelu, "old.prototxt"))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("'relu'")
                .hasMessageContaining("only conv and pool");

        NetParameter badDims = NetParameter.newBuilder().addInput("data").addInputDim(1).addInputDim(3).build();
        assertThatThrownBy(() -> NetUpgrader.upgrade(badDims, "deploy.prototxt"))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("4 input_dim values");

        // A V0 field that means nothing for its layer type: Caffe logs it and carries on, so do we.
        NetParameter stray = NetParameter.newBuilder()
                .addLayers(V1LayerParameter.newBuilder().addBottom("a").addTop("a")
                        .setLayer(V0LayerParameter.newBuilder().setName("relu").setType("relu").setNumOutput(3)))
                .build();
        List<String> warnings = new ArrayList<>();
        NetParameter upgraded = NetUpgrader.upgrade(stray, "old.prototxt", warnings::add);
        assertThat(upgraded.getLayer(0).getType()).isEqualTo("ReLU");
        assertThat(warnings).singleElement().asString().contains("'relu'", "num_output");
    }

    @Test
    void upgradesLegacySolver() {
        SolverParameter raw = CaffeFiles.readSolverTextRaw(LEGACY.resolve("v0_solver.prototxt"));
        assertThat(raw.getSolverType()).isEqualTo(SolverParameter.SolverType.NESTEROV);
        SolverParameter solver = CaffeFiles.readSolverText(LEGACY.resolve("v0_solver.prototxt"));
        assertThat(solver.getType()).isEqualTo("Nesterov");
        assertThat(solver.hasSolverType()).isFalse();
        assertThat(solver.getTrainNet()).isEqualTo("legacy/v0_train.prototxt");
        assertThat(solver.getTestNetList()).containsExactly("legacy/v0_train.prototxt");
        assertThat(solver.getSolverMode()).isEqualTo(SolverParameter.SolverMode.GPU);
        assertThat(solver.getBaseLr()).isEqualTo(0.01f);
        assertThat(solver.getTestIterList()).containsExactly(10);
        assertThat(solver.getRegularizationType()).isEqualTo("L2");

        SolverParameter both = SolverParameter.newBuilder().setType("Adam").setSolverType(SolverParameter.SolverType.SGD).build();
        assertThatThrownBy(() -> NetUpgrader.upgradeSolver(both, "solver.prototxt"))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("solver.prototxt")
                .hasMessageContaining("solver_type");
    }

    static List<String> names(NetParameter net) {
        return net.getLayerList().stream().map(LayerParameter::getName).collect(Collectors.toList());
    }

    static List<String> types(NetParameter net) {
        return net.getLayerList().stream().map(LayerParameter::getType).collect(Collectors.toList());
    }

    static LayerParameter layer(NetParameter net, String name) {
        return net.getLayerList().stream().filter(l -> l.getName().equals(name)).findFirst().orElseThrow();
    }

    /** lr_mult, decay_mult of each param, flattened. */
    static List<Float> multipliers(LayerParameter l) {
        List<Float> out = new ArrayList<>();
        for (ParamSpec p : l.getParamList()) {
            out.add(p.getLrMult());
            out.add(p.getDecayMult());
        }
        return out;
    }
}
