package org.graft.net.config;

import org.graft.testing.Repo;

import org.graft.ops.accuracy.AccuracyLayer;
import org.graft.ops.dropout.DropoutLayer;
import org.graft.ops.lrn.LRNLayer;
import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.ops.pooling.PoolingLayer;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer;
import org.graft.ops.relu.ReLULayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.Phase;
import org.graft.ops.softmax.SoftmaxLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetConfigLoaderTest {
    /** Every field of every section, most with non-default values. */
    static final String FULL = """
            {
              "name": "Everything",
              "force_backward": true,
              "layers": [
                {"name": "train_data", "type": "Data", "top": ["data", "label"], "include": [{"phase": "TRAIN"}],
                 "transform_param": {"scale": 0.5, "mirror": true, "crop_size": 24, "mean_value": [10, 20.5, 30]},
                 "data_param": {"source": "data/train-images.gz", "label_source": "data/train-labels.gz",
                                "backend": "IDX", "batch_size": 64, "classes": [7, 2, 5], "limit": 1000}},
                {"name": "test_data", "type": "Data", "top": ["data", "label"], "include": [{"phase": "TEST"}],
                 "transform_param": {"mean_file": "mean.binaryproto"},
                 "data_param": {"source": "/abs/cifar", "backend": "CIFAR", "batch_size": 100, "shuffle": true}},
                {"name": "conv1", "type": "Convolution", "bottom": ["data"], "top": ["conv1"],
                 "param": [{"lr_mult": 1, "decay_mult": 1, "name": "w1"}, {"lr_mult": 2, "decay_mult": 0}],
                 "convolution_param": {"num_output": 16, "kernel_size": [3, 5], "stride": 2, "pad": [1],
                                       "dilation": 2, "group": 4, "bias_term": true,
                                       "weight_filler": {"type": "gaussian", "std": 0.01, "mean": 0.5},
                                       "bias_filler": {"type": "constant", "value": 1}}},
                {"name": "relu1", "type": "ReLU", "bottom": ["conv1"], "top": ["conv1"],
                 "relu_param": {"negative_slope": 0.1}},
                {"name": "pool1", "type": "Pooling", "bottom": ["conv1"], "top": ["pool1"],
                 "pooling_param": {"pool": "AVE", "kernel_h": 3, "kernel_w": 2, "stride_h": 2, "stride_w": 1,
                                   "pad_h": 1, "pad_w": 0, "round_mode": "FLOOR"}},
                {"name": "norm1", "type": "LRN", "bottom": ["pool1"], "top": ["norm1"],
                 "lrn_param": {"local_size": 3, "alpha": 0.0001, "beta": 0.5, "norm_region": "WITHIN_CHANNEL", "k": 2}},
                {"name": "gpool", "type": "Pooling", "bottom": ["norm1"], "top": ["gpool"],
                 "pooling_param": {"global_pooling": true}},
                {"name": "split", "type": "Split", "bottom": ["gpool"], "top": ["g1", "g2"]},
                {"name": "fc", "type": "InnerProduct", "bottom": ["g1"], "top": ["fc"],
                 "inner_product_param": {"num_output": 10, "bias_term": false, "transpose": true,
                                         "weight_filler": {"type": "xavier", "variance_norm": "AVERAGE"}}},
                {"name": "drop", "type": "Dropout", "bottom": ["fc"], "top": ["fc"], "dropout_param": {"dropout_ratio": 0.25},
                 "exclude": [{"phase": "TEST"}]},
                {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["fc", "label"], "top": ["loss"],
                 "loss_weight": [2], "propagate_down": [true, false],
                 "loss_param": {"ignore_label": 255, "normalization": "BATCH_SIZE"}, "softmax_param": {"axis": 1}},
                {"name": "acc5", "type": "Accuracy", "bottom": ["fc", "label"], "top": ["acc5"],
                 "include": [{"phase": "TEST"}], "accuracy_param": {"top_k": 5, "ignore_label": -1}}
              ],
              "solver": {
                "base_lr": 0.01, "lr_policy": "multistep", "gamma": 0.1, "stepvalue": [100, 200], "max_iter": 300,
                "momentum": 0.9, "weight_decay": 0.0005, "display": 10, "average_loss": 20, "test_iter": 5,
                "test_interval": 50, "test_initialization": false, "snapshot": 100, "snapshot_prefix": "out/snap",
                "snapshot_after_train": false, "random_seed": 42, "clip_gradients": 35, "iter_size": 1, "type": "SGD",
                "top_k_report": [1, 5]
              },
              "init": {"weights": "../base/net.caffemodel"}
            }
            """;

    static final Path FILE = Path.of("/nets/full/net.json");

    @Test
    void fullExampleParsesEveryField() {
        NetConfig net = NetConfigLoader.parse(FULL, FILE);
        assertThat(net.name()).isEqualTo("Everything");
        assertThat(net.forceBackward()).isTrue();
        assertThat(net.file()).isEqualTo(FILE);
        assertThat(net.baseDir()).isEqualTo(Path.of("/nets/full"));
        assertThat(net.layers()).extracting(LayerConfig::name).containsExactly("train_data", "test_data", "conv1",
                "relu1", "pool1", "norm1", "gpool", "split", "fc", "drop", "loss", "acc5");

        LayerConfig data = net.layers().get(0);
        assertThat(data.type()).isEqualTo(LayerType.DATA);
        assertThat(data.top()).containsExactly("data", "label");
        assertThat(data.transformParam()).isEqualTo(new TransformParam(0.5f, true, 24, null, List.of(10f, 20.5f, 30f)));
        assertThat(data.dataParam()).isEqualTo(new DataParam(Path.of("/nets/full/data/train-images.gz"), 64,
                Caffe.DataParameter.DB.IDX, Path.of("/nets/full/data/train-labels.gz"), List.of(7, 2, 5), null, 1000));
        LayerConfig testData = net.layers().get(1);
        assertThat(testData.transformParam().meanFile()).isEqualTo(Path.of("/nets/full/mean.binaryproto"));
        assertThat(testData.dataParam().source()).isEqualTo(Path.of("/abs/cifar"));
        assertThat(testData.dataParam().shuffle(Phase.TEST)).isTrue();

        LayerConfig conv = net.layers().get(2);
        assertThat(conv.param()).containsExactly(new ParamSpec("w1", 1f, 1f), new ParamSpec(null, 2f, 0f));
        ConvolutionLayer.Spec cs = conv.settings(ConvolutionLayer.Spec.class);
        assertThat(cs.withFillers(null, null)).isEqualTo(new ConvolutionLayer.Spec(16, 3, 5, 2, 2, 1, 1, 2, 2, 4, true));
        assertThat(Filler.of(cs.weightFiller())).isEqualTo(Filler.gaussian(0.5f, 0.01f));
        assertThat(Filler.of(cs.biasFiller())).isEqualTo(Filler.constant(1f));
        assertThat(conv.learnableBlobs()).isEqualTo(2);

        assertThat(net.layers().get(3).settings(ReLULayer.Spec.class).negativeSlope()).isEqualTo(0.1f);
        assertThat(net.layers().get(4).settings(PoolingLayer.Spec.class)).isEqualTo(new PoolingLayer.Spec(Caffe.PoolingParameter.PoolMethod.AVE, 3, 2, 2, 1,
                1, 0, false, Caffe.PoolingParameter.RoundMode.FLOOR));
        assertThat(net.layers().get(5).settings(LRNLayer.Spec.class)).isEqualTo(new LRNLayer.Spec(3, 0.0001f, 0.5f, 2f, Caffe.LRNParameter.NormRegion.WITHIN_CHANNEL));
        assertThat(net.layers().get(6).settings(PoolingLayer.Spec.class)).isEqualTo(PoolingLayer.Spec.global(Caffe.PoolingParameter.PoolMethod.MAX));
        assertThat(net.layers().get(7).top()).containsExactly("g1", "g2");
        InnerProductLayer.Spec ip = net.layers().get(8).settings(InnerProductLayer.Spec.class);
        assertThat(ip.withFillers(null, null)).isEqualTo(new InnerProductLayer.Spec(10, false, true, 1));
        assertThat(Filler.of(ip.weightFiller())).isEqualTo(Filler.xavier(Caffe.FillerParameter.VarianceNorm.AVERAGE));
        assertThat(Filler.of(ip.biasFiller())).isEqualTo(Filler.DEFAULT);
        assertThat(net.layers().get(8).learnableBlobs()).isEqualTo(1);
        assertThat(net.layers().get(9).settings(DropoutLayer.Spec.class).dropoutRatio()).isEqualTo(0.25f);

        LayerConfig loss = net.layers().get(10);
        assertThat(loss.lossWeight(0)).isEqualTo(2f);
        assertThat(loss.propagateDown()).containsExactly(true, false);
        assertThat(loss.settings(SoftmaxWithLossLayer.Spec.class)).isEqualTo(new SoftmaxWithLossLayer.Spec(1, 255, Caffe.LossParameter.NormalizationMode.BATCH_SIZE));
        assertThat(net.layers().get(11).settings(AccuracyLayer.Spec.class)).isEqualTo(new AccuracyLayer.Spec(5, 1, -1));

        SolverConfig s = net.solver();
        assertThat(s).isEqualTo(new SolverConfig(0.01, SolverConfig.LrPolicy.MULTISTEP, 0.1, 0, 0, List.of(100, 200),
                300, 0.9, 0.0005, 10, 20, 5, 50, false, 100, Path.of("/nets/full/out/snap"), false, 42, 35, 1, "SGD",
                List.of(1, 5)));
        assertThat(s.hasRandomSeed()).isTrue();
        assertThat(net.init()).isEqualTo(new InitConfig(Path.of("/nets/base/net.caffemodel")));
    }

    @Test
    void phaseFilteringFollowsCaffesIncludeExcludeRules() {
        NetConfig net = NetConfigLoader.parse(FULL, FILE);
        assertThat(net.layersFor(Phase.TRAIN)).extracting(LayerConfig::name).containsExactly("train_data", "conv1",
                "relu1", "pool1", "norm1", "gpool", "split", "fc", "drop", "loss");
        assertThat(net.layersFor(Phase.TEST)).extracting(LayerConfig::name).containsExactly("test_data", "conv1",
                "relu1", "pool1", "norm1", "gpool", "split", "fc", "loss", "acc5");
        assertThat(net.layer("acc5", Phase.TRAIN)).isEmpty();
        assertThat(net.layer("acc5", Phase.TEST)).get().extracting(LayerConfig::type).isEqualTo(LayerType.ACCURACY);
    }

    @Test
    void anEmptyRuleMatchesEveryPhase() {
        LayerConfig all = LayerConfig.builder("x", LayerType.RELU).include(null).build();
        LayerConfig none = LayerConfig.builder("y", LayerType.RELU).exclude(null).build();
        assertThat(all.includedIn(Phase.TRAIN)).isTrue();
        assertThat(all.includedIn(Phase.TEST)).isTrue();
        assertThat(none.includedIn(Phase.TRAIN)).isFalse();
        assertThat(none.includedIn(Phase.TEST)).isFalse();
    }

    @Test
    void absentValuesTakeCaffesDefaults() {
        String json = """
                {"name": "d", "layers": [
                  {"name": "in", "type": "Input", "top": ["x"], "input_param": {"shape": [{"dim": [2, 3, 8, 8]}]}},
                  {"name": "c", "type": "Convolution", "bottom": ["x"], "top": ["c"],
                   "convolution_param": {"num_output": 4, "kernel_size": 3}},
                  {"name": "r", "type": "ReLU", "bottom": ["c"], "top": ["c"]},
                  {"name": "p", "type": "Pooling", "bottom": ["c"], "top": ["p"], "pooling_param": {"kernel_size": 2}},
                  {"name": "n", "type": "LRN", "bottom": ["p"], "top": ["n"]},
                  {"name": "d", "type": "Dropout", "bottom": ["n"], "top": ["n"]},
                  {"name": "f", "type": "InnerProduct", "bottom": ["n"], "top": ["f"], "inner_product_param": {"num_output": 2}},
                  {"name": "s", "type": "Softmax", "bottom": ["f"], "top": ["prob"]}
                ]}
                """;
        NetConfig net = NetConfigLoader.parse(json, FILE);
        assertThat(net.solver()).isNull();
        assertThat(net.hasSolver()).isFalse();
        assertThat(net.init()).isNull();
        assertThat(net.forceBackward()).isFalse();
        assertThat(net.layers().get(0).inputParam().shapeOf(0)).containsExactly(2, 3, 8, 8);
        assertThat(net.layers().get(1).settings(ConvolutionLayer.Spec.class)).isEqualTo(ConvolutionLayer.Spec.square(4, 3, 1, 0));
        assertThat(net.layers().get(1).paramSpec(1)).isEqualTo(ParamSpec.DEFAULT);
        assertThat(net.layers().get(1).lossWeight(0)).isZero();
        assertThat(net.layers().get(2).settings(ReLULayer.Spec.class)).isEqualTo(new ReLULayer.Spec());
        assertThat(net.layers().get(3).settings(PoolingLayer.Spec.class)).isEqualTo(PoolingLayer.Spec.max(2, 1));
        assertThat(net.layers().get(4).settings(LRNLayer.Spec.class)).isEqualTo(new LRNLayer.Spec(5, 1f, 0.75f, 1f, Caffe.LRNParameter.NormRegion.ACROSS_CHANNELS));
        assertThat(net.layers().get(5).settings(DropoutLayer.Spec.class).dropoutRatio()).isEqualTo(0.5f);
        assertThat(net.layers().get(6).settings(InnerProductLayer.Spec.class)).isEqualTo(new InnerProductLayer.Spec(2));
        assertThat(net.layers().get(7).settings(SoftmaxLayer.Spec.class).axis()).isEqualTo(1);
        assertThatThrownBy(net::requireSolver).isInstanceOf(ConfigException.class).hasMessageContaining("no \"solver\"");
    }

    @Test
    void solverDefaultsAreCaffes() {
        String json = """
                {"name": "s", "layers": [{"name": "in", "type": "Input", "top": ["x"], "input_param": {"shape": [{"dim": [1]}]}}],
                 "solver": {"base_lr": 0.1, "lr_policy": "fixed", "max_iter": 10}}
                """;
        SolverConfig s = NetConfigLoader.parse(json, FILE).solver();
        assertThat(s).isEqualTo(SolverConfig.builder(0.1, SolverConfig.LrPolicy.FIXED, 10)
                .snapshotPrefix(Path.of("/nets/full/s")).build());
        assertThat(s.averageLoss()).isEqualTo(1);
        assertThat(s.testInitialization()).isTrue();
        assertThat(s.snapshotAfterTrain()).isTrue();
        assertThat(s.randomSeed()).isEqualTo(-1);
        assertThat(s.hasRandomSeed()).isFalse();
        assertThat(s.clipGradients()).isEqualTo(-1);
        assertThat(s.iterSize()).isEqualTo(1);
        assertThat(s.type()).isEqualTo("SGD");
        assertThat(s.topKReport()).isEmpty();
    }

    @Test
    void dataShufflesByDefaultInTrainOnly() {
        DataParam d = new DataParam(Path.of("/x"), 1, Caffe.DataParameter.DB.CIFAR, null, List.of(), null, null);
        assertThat(d.shuffle(Phase.TRAIN)).isTrue();
        assertThat(d.shuffle(Phase.TEST)).isFalse();
        DataParam never = new DataParam(Path.of("/x"), 1, Caffe.DataParameter.DB.CIFAR, null, List.of(), false, null);
        assertThat(never.shuffle(Phase.TRAIN)).isFalse();
    }

    @Test
    void relativePathsResolveAgainstTheFilesFolderNotTheWorkingDirectory(@TempDir Path dir) throws IOException {
        Path netDir = Files.createDirectories(dir.resolve("exp/run1"));
        String json = """
                {"name": "paths", "layers": [
                  {"name": "img", "type": "ImageData", "top": ["data", "label"],
                   "transform_param": {"mean_file": "../means/mean.binaryproto"},
                   "image_data_param": {"source": "lists/train.txt", "root_folder": "images", "classes": [3, 1]}},
                  {"name": "img2", "type": "ImageData", "top": ["data2"],
                   "image_data_param": {"source": "/abs/list.txt", "new_height": 32, "new_width": 30, "is_color": false}},
                  {"name": "lmdb", "type": "Data", "top": ["d3"],
                   "data_param": {"source": "./db/../lmdb", "backend": "LMDB", "batch_size": 8}}
                 ],
                 "solver": {"base_lr": 0.1, "lr_policy": "fixed", "max_iter": 1},
                 "init": {"weights": "base.caffemodel"}}
                """;
        Path file = netDir.resolve("net.json");
        Files.writeString(file, json);
        NetConfig net = NetConfigLoader.load(file);
        Path base = netDir.toAbsolutePath();

        ImageDataParam img = net.layers().get(0).imageDataParam();
        assertThat(img.source()).isEqualTo(base.resolve("lists/train.txt"));
        assertThat(img.rootFolder()).isEqualTo(base.resolve("images"));
        assertThat(img.classes()).containsExactly(3, 1);
        assertThat(img.batchSize()).isEqualTo(1);
        assertThat(img.shuffle()).isFalse();
        assertThat(net.layers().get(0).transformParam().meanFile()).isEqualTo(base.getParent().resolve("means/mean.binaryproto"));
        ImageDataParam img2 = net.layers().get(1).imageDataParam();
        assertThat(img2.source()).isEqualTo(Path.of("/abs/list.txt"));
        assertThat(img2.rootFolder()).as("root_folder defaults to the net.json's folder").isEqualTo(base);
        assertThat(img2.newHeight()).isEqualTo(32);
        assertThat(img2.newWidth()).isEqualTo(30);
        assertThat(img2.isColor()).isFalse();
        assertThat(net.layers().get(2).dataParam().source()).isEqualTo(base.resolve("lmdb"));
        assertThat(net.solver().snapshotPrefix()).as("default snapshot prefix: folder + net name").isEqualTo(base.resolve("paths"));
        assertThat(net.init().weights()).isEqualTo(base.resolve("base.caffemodel"));

        assertThat(NetConfigLoader.parse(json, file)).as("load and parse agree").isEqualTo(net);
    }

    @Test
    void theFashionMnistExampleLoads() {
        NetConfig net = NetConfigLoader.load(Repo.path("examples/fashion-mnist/net.json"));
        List<String> trainNames = net.layersFor(Phase.TRAIN).stream().map(LayerConfig::name).toList();
        assertThat(trainNames).containsExactly("data", "conv1", "relu1", "pool1", "norm1", "conv2", "relu2", "pool2",
                "norm2", "conv3", "relu3", "conv4", "relu4", "conv5", "relu5", "pool5", "fc6", "relu6", "drop6", "fc7",
                "relu7", "drop7", "fc8", "loss");
        assertThat(net.layersFor(Phase.TEST)).extracting(LayerConfig::name).contains("accuracy", "accuracy_top5")
                .hasSize(26);
        long learnable = net.layers().stream().filter(l -> l.learnableBlobs() > 0).count();
        assertThat(learnable).as("8 learnable layers").isEqualTo(8);
        assertThat(net.layer("data", Phase.TRAIN).orElseThrow().dataParam().batchSize()).isEqualTo(64);
        assertThat(net.layer("data", Phase.TEST).orElseThrow().dataParam().batchSize()).isEqualTo(100);
        assertThat(net.layer("accuracy_top5", Phase.TEST).orElseThrow().settings(AccuracyLayer.Spec.class).topK()).isEqualTo(5);
        ConvolutionLayer.Spec conv3 = net.layer("conv3", Phase.TRAIN).orElseThrow().settings(ConvolutionLayer.Spec.class);
        assertThat(conv3.withFillers(null, null)).isEqualTo(ConvolutionLayer.Spec.square(96, 3, 1, 1));
        assertThat(Filler.of(conv3.weightFiller())).isEqualTo(Filler.xavier());
        assertThat(Filler.of(conv3.biasFiller())).isEqualTo(Filler.constant(0));
        assertThat(net.layer("fc8", Phase.TRAIN).orElseThrow().paramSpec(1)).isEqualTo(ParamSpec.of(2, 0));
        SolverConfig s = net.solver();
        assertThat(s.maxIter()).isEqualTo(5000);
        assertThat(s.maxIter() % s.testInterval()).as("the last iteration is tested").isZero();
        assertThat(s.testIter() * 100).as("one test pass covers the 10,000 test images").isEqualTo(10000);
        assertThat(s.snapshotPrefix()).isEqualTo(Repo.path("examples/fashion-mnist/snapshots/fashion").toAbsolutePath());
    }
}
