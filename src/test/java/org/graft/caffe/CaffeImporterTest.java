package org.graft.caffe;

import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.ops.accuracy.AccuracyLayer;
import org.graft.testing.Repo;

import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.ops.dropout.DropoutLayer;
import org.graft.ops.eltwise.EltwiseLayer;
import org.graft.ops.power.PowerLayer;
import org.graft.ops.lrn.LRNLayer;
import org.graft.ops.relu.ReLULayer;
import org.graft.ops.pooling.PoolingLayer;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.Phase;
import org.graft.net.config.Filler;
import org.graft.net.config.ImageDataParam;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.ParamSpec;
import org.graft.net.config.SolverConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaffeImporterTest {
    static final Path CAFFE = Repo.path("testdata", "caffe");

    @TempDir
    Path tmp;

    private CaffeImporter.Result importText(String prototxt) throws Exception {
        Path f = tmp.resolve("net.prototxt");
        Files.writeString(f, prototxt);
        return CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp);
    }

    private static LayerConfig layer(NetConfig c, String name) {
        return c.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> names(List<LayerConfig> layers) {
        return layers.stream().map(LayerConfig::name).toList();
    }

    @Test
    void importsTheLeNetTrainTestNetWithItsPhases() {
        CaffeImporter.Result r = CaffeImporter.importFiles(CAFFE.resolve("lenet_train_test.prototxt"), null,
                tmp.resolve("net.json"), tmp);
        NetConfig c = r.config();
        assertThat(c.name()).isEqualTo("LeNet");
        assertThat(names(c.layersFor(Phase.TRAIN))).containsExactly("mnist", "conv1", "pool1", "conv2", "pool2", "ip1", "relu1", "ip2", "loss");
        assertThat(names(c.layersFor(Phase.TEST))).containsExactly("mnist", "conv1", "pool1", "conv2", "pool2", "ip1", "relu1", "ip2",
                "accuracy", "loss");
        LayerConfig train = c.layersFor(Phase.TRAIN).get(0);
        LayerConfig test = c.layersFor(Phase.TEST).get(0);
        assertThat(train.dataParam().batchSize()).isEqualTo(64);
        assertThat(test.dataParam().batchSize()).isEqualTo(100);
        assertThat(train.dataParam().backend()).isEqualTo(Caffe.DataParameter.DB.LMDB);
        assertThat(train.transformParam().scale()).isEqualTo(0.00390625f);
        // Caffe's path is relative to its working directory (here tmp); written absolute.
        assertThat(train.dataParam().source()).isEqualTo(tmp.toAbsolutePath().resolve("examples/mnist/mnist_train_lmdb"));
        assertThat(r.warnings()).anyMatch(w -> w.contains("examples/mnist/mnist_train_lmdb") && w.contains("exists neither"));
        LayerConfig conv1 = layer(c, "conv1");
        assertThat(conv1.param()).containsExactly(ParamSpec.of(1, 1), ParamSpec.of(2, 1));
        assertThat(Filler.of(conv1.settings(ConvolutionLayer.Spec.class).weightFiller())).isEqualTo(Filler.xavier());
        assertThat(conv1.settings(ConvolutionLayer.Spec.class).numOutput()).isEqualTo(20);
        assertThat(layer(c, "accuracy").include()).hasSize(1);
        assertThat(layer(c, "relu1").top()).containsExactly("ip1");
        // The net.json written from it loads to the same config.
        assertThat(NetConfigLoader.parse(r.json(), tmp.resolve("net.json")).layers()).isEqualTo(c.layers());
    }

    @Test
    void legacyV1NetImportsWithPhasesAndMultipliers() {
        NetConfig c = CaffeImporter.importFiles(CAFFE.resolve("legacy/v1_lenet_train_test.prototxt"), null,
                tmp.resolve("net.json"), tmp).config();
        assertThat(c.name()).isEqualTo("LeNetV1");
        assertThat(c.layersFor(Phase.TRAIN).get(0).dataParam().batchSize()).isEqualTo(64);
        assertThat(c.layersFor(Phase.TEST).get(0).dataParam().batchSize()).isEqualTo(100);
        // V1 kept the scale in data_param; Caffe's upgrade moved it to transform_param.
        assertThat(c.layersFor(Phase.TRAIN).get(0).transformParam().scale()).isEqualTo(0.00390625f);
        assertThat(layer(c, "conv1").param()).containsExactly(ParamSpec.of(1, 1), ParamSpec.of(2, 1));
        assertThat(c.layers().stream().filter(l -> l.type() == LayerType.SOFTMAX_WITH_LOSS)).hasSize(1);
    }

    @Test
    void legacyV0DeployNetImportsWithPaddingFolded() {
        NetConfig c = CaffeImporter.importFiles(CAFFE.resolve("legacy/v0_deploy.prototxt"), null, tmp.resolve("net.json"), tmp).config();
        assertThat(c.layers().get(0).type()).isEqualTo(LayerType.INPUT);
        assertThat(c.layers().stream().map(l -> l.type().jsonName())).doesNotContain("padding");
        assertThat(c.layers().stream().filter(l -> l.type() == LayerType.CONVOLUTION).map(l -> l.settings(ConvolutionLayer.Spec.class).padH()))
                .anyMatch(p -> p > 0);
    }

    @Test
    void legacySigmoidAndTanHNamesImportAsTheirLayers() throws Exception {
        NetConfig v1 = importText("""
                input: "data" input_dim: 1 input_dim: 1 input_dim: 1 input_dim: 3
                layers { name: "s" type: SIGMOID bottom: "data" top: "data" }
                layers { name: "t" type: TANH bottom: "data" top: "t" }
                """).config();
        NetConfig v0 = importText("""
                input: "data" input_dim: 1 input_dim: 1 input_dim: 1 input_dim: 3
                layers { layer { name: "s" type: "sigmoid" } bottom: "data" top: "data" }
                layers { layer { name: "t" type: "tanh" } bottom: "data" top: "t" }
                """).config();
        for (NetConfig c : List.of(v1, v0)) {
            assertThat(layer(c, "s").type()).isEqualTo(LayerType.SIGMOID);
            assertThat(layer(c, "t").type()).isEqualTo(LayerType.TANH);
        }
    }

    @Test
    void legacyEltwiseAbsValAndPowerNamesImportWithTheirSettings() throws Exception {
        NetConfig c = importText("""
                input: "data" input_dim: 1 input_dim: 2 input_dim: 3 input_dim: 3
                layers { name: "abs" type: ABSVAL bottom: "data" top: "abs" }
                layers { name: "sq" type: POWER bottom: "abs" top: "sq" power_param { power: 2 scale: 0.5 shift: 1 } }
                layers { name: "max" type: ELTWISE bottom: "data" bottom: "sq" top: "max" eltwise_param { operation: MAX } }
                layers { name: "sum" type: ELTWISE bottom: "data" bottom: "max" top: "sum" eltwise_param { coeff: 1 coeff: -1 } }
                """).config();
        assertThat(layer(c, "abs").type()).isEqualTo(LayerType.ABSVAL);
        assertThat(layer(c, "sq").settings(PowerLayer.Spec.class)).isEqualTo(new PowerLayer.Spec(2f, 0.5f, 1f));
        assertThat(layer(c, "max").settings(EltwiseLayer.Spec.class).operation()).isEqualTo(Caffe.EltwiseParameter.EltwiseOp.MAX);
        assertThat(layer(c, "sum").settings(EltwiseLayer.Spec.class).coeff()).containsExactly(1f, -1f);
        assertThat(layer(c, "sum").bottom()).containsExactly("data", "max");
    }

    @Test
    void mapsEveryFieldOfEverySupportedLayer() throws Exception {
        Files.createDirectories(tmp.resolve("images"));
        Files.writeString(tmp.resolve("list.txt"), "a.png 0\n");
        CaffeImporter.Result r = importText("""
                name: "AllFields"
                layer { name: "in" type: "Input" top: "data" top: "label"
                        input_param { shape { dim: 2 dim: 6 dim: 17 dim: 19 } shape { dim: 2 } } }
                layer { name: "img" type: "ImageData" top: "idata" top: "ilabel" include { phase: TRAIN }
                        transform_param { scale: 0.5 mirror: true crop_size: 15 mean_value: 104 mean_value: 117 mean_value: 123 }
                        image_data_param { source: "list.txt" root_folder: "images/" batch_size: 3 shuffle: true
                                           new_height: 20 new_width: 21 is_color: false } }
                layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
                        param { lr_mult: 0.5 decay_mult: 0 } param { name: "shared" lr_mult: 3 decay_mult: 2 }
                        convolution_param { num_output: 9 kernel_h: 3 kernel_w: 5 stride_h: 2 stride_w: 1 pad_h: 1 pad_w: 2
                                            dilation: 2 group: 3
                                            weight_filler { type: "gaussian" mean: 0.1 std: 0.02 }
                                            bias_filler { type: "constant" value: 0.25 } } }
                layer { name: "dw" type: "Convolution" bottom: "conv" top: "dw"
                        convolution_param { num_output: 9 kernel_size: 3 pad: 1 group: 9 bias_term: false
                                            weight_filler { type: "msra" variance_norm: AVERAGE } } }
                layer { name: "pool" type: "Pooling" bottom: "dw" top: "pool"
                        pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 round_mode: FLOOR } }
                layer { name: "gpool" type: "Pooling" bottom: "dw" top: "gpool"
                        pooling_param { pool: MAX global_pooling: true } }
                layer { name: "lrn1" type: "LRN" bottom: "pool" top: "lrn1"
                        lrn_param { local_size: 3 alpha: 0.001 beta: 0.6 k: 2 norm_region: WITHIN_CHANNEL } }
                layer { name: "lrn2" type: "LRN" bottom: "lrn1" top: "lrn2" lrn_param { local_size: 7 } }
                layer { name: "leaky" type: "ReLU" bottom: "lrn2" top: "lrn2" relu_param { negative_slope: 0.1 } }
                layer { name: "drop" type: "Dropout" bottom: "lrn2" top: "lrn2" dropout_param { dropout_ratio: 0.3 } }
                layer { name: "fc" type: "InnerProduct" bottom: "lrn2" top: "fc"
                        inner_product_param { num_output: 7 transpose: true axis: 1
                                              weight_filler { type: "xavier" variance_norm: FAN_OUT }
                                              bias_filler { type: "uniform" min: -0.5 max: 0.5 } } }
                layer { name: "fc2" type: "InnerProduct" bottom: "gpool" top: "fc2" propagate_down: false
                        inner_product_param { num_output: 7 weight_filler { type: "positive_unitball" } } }
                layer { name: "prob" type: "Softmax" bottom: "fc" top: "prob" softmax_param { axis: 1 } }
                layer { name: "split" type: "Split" bottom: "fc2" top: "fc2a" top: "fc2b" }
                layer { name: "loss" type: "SoftmaxWithLoss" bottom: "fc" bottom: "label" top: "loss" loss_weight: 0.5
                        exclude { phase: TEST } loss_param { ignore_label: 255 normalization: BATCH_SIZE } }
                layer { name: "oldloss" type: "SoftmaxWithLoss" bottom: "fc2a" bottom: "label"
                        loss_param { normalize: false } }
                layer { name: "acc" type: "Accuracy" bottom: "prob" bottom: "label" top: "acc"
                        accuracy_param { top_k: 5 ignore_label: -1 } }
                """);
        NetConfig c = r.config();
        assertThat(c.name()).isEqualTo("AllFields");
        assertThat(layer(c, "in").inputParam().shapeOf(0)).containsExactly(2, 6, 17, 19);
        assertThat(layer(c, "in").inputParam().shapeOf(1)).containsExactly(2);

        LayerConfig img = layer(c, "img");
        ImageDataParam ip = img.imageDataParam();
        assertThat(ip.source()).isEqualTo(tmp.toAbsolutePath().resolve("list.txt"));
        assertThat(ip.rootFolder()).isEqualTo(tmp.toAbsolutePath().resolve("images"));
        assertThat(ip.batchSize()).isEqualTo(3);
        assertThat(ip.shuffle()).isTrue();
        assertThat(ip.newHeight()).isEqualTo(20);
        assertThat(ip.newWidth()).isEqualTo(21);
        assertThat(ip.isColor()).isFalse();
        assertThat(img.transformParam().scale()).isEqualTo(0.5f);
        assertThat(img.transformParam().mirror()).isTrue();
        assertThat(img.transformParam().cropSize()).isEqualTo(15);
        assertThat(img.transformParam().meanValue()).containsExactly(104f, 117f, 123f);
        assertThat(img.includedIn(Phase.TRAIN)).isTrue();
        assertThat(img.includedIn(Phase.TEST)).isFalse();

        LayerConfig conv = layer(c, "conv");
        assertThat(conv.param()).containsExactly(new ParamSpec(null, 0.5f, 0f), new ParamSpec("shared", 3f, 2f));
        ConvolutionLayer.Spec cp = conv.settings(ConvolutionLayer.Spec.class);
        assertThat(cp.withFillers(null, null)).isEqualTo(new ConvolutionLayer.Spec(9, 3, 5, 2, 1, 1, 2, 2, 2, 3, true));
        assertThat(Filler.of(cp.weightFiller())).isEqualTo(Filler.gaussian(0.1f, 0.02f));
        assertThat(Filler.of(cp.biasFiller())).isEqualTo(Filler.constant(0.25f));
        ConvolutionLayer.Spec dw = layer(c, "dw").settings(ConvolutionLayer.Spec.class);
        assertThat(dw.group()).isEqualTo(9);
        assertThat(dw.biasTerm()).isFalse();
        assertThat(dw.padH()).isEqualTo(1);
        assertThat(Filler.of(dw.weightFiller())).isEqualTo(Filler.msra(Caffe.FillerParameter.VarianceNorm.AVERAGE));

        PoolingLayer.Spec pool = layer(c, "pool").settings(PoolingLayer.Spec.class);
        assertThat(pool.method()).isEqualTo(Caffe.PoolingParameter.PoolMethod.AVE);
        assertThat(new int[] {pool.kernelH(), pool.kernelW(), pool.strideH(), pool.padW()}).containsExactly(3, 3, 2, 1);
        assertThat(pool.roundMode()).isEqualTo(Caffe.PoolingParameter.RoundMode.FLOOR);
        assertThat(layer(c, "gpool").settings(PoolingLayer.Spec.class).globalPooling()).isTrue();
        assertThat(layer(c, "lrn1").settings(LRNLayer.Spec.class)).isEqualTo(new LRNLayer.Spec(3, 0.001f, 0.6f, 2f, Caffe.LRNParameter.NormRegion.WITHIN_CHANNEL));
        assertThat(layer(c, "lrn2").settings(LRNLayer.Spec.class)).isEqualTo(new LRNLayer.Spec(7, 1f, 0.75f, 1f, Caffe.LRNParameter.NormRegion.ACROSS_CHANNELS));
        assertThat(layer(c, "leaky").settings(ReLULayer.Spec.class).negativeSlope()).isEqualTo(0.1f);
        assertThat(layer(c, "drop").settings(DropoutLayer.Spec.class).dropoutRatio()).isEqualTo(0.3f);

        InnerProductLayer.Spec fc = layer(c, "fc").settings(InnerProductLayer.Spec.class);
        assertThat(fc.numOutput()).isEqualTo(7);
        assertThat(fc.transpose()).isTrue();
        assertThat(Filler.of(fc.weightFiller())).isEqualTo(Filler.xavier(Caffe.FillerParameter.VarianceNorm.FAN_OUT));
        assertThat(Filler.of(fc.biasFiller())).isEqualTo(Filler.uniform(-0.5f, 0.5f));
        assertThat(Filler.of(layer(c, "fc2").settings(InnerProductLayer.Spec.class).weightFiller())).isEqualTo(Filler.positiveUnitball());
        assertThat(layer(c, "fc2").propagateDown()).containsExactly(false);
        assertThat(layer(c, "split").top()).containsExactly("fc2a", "fc2b");

        LayerConfig loss = layer(c, "loss");
        assertThat(loss.lossWeight()).containsExactly(0.5f);
        assertThat(loss.settings(SoftmaxWithLossLayer.Spec.class)).isEqualTo(new SoftmaxWithLossLayer.Spec(1, 255, Caffe.LossParameter.NormalizationMode.BATCH_SIZE));
        assertThat(loss.includedIn(Phase.TEST)).isFalse();
        assertThat(loss.includedIn(Phase.TRAIN)).isTrue();
        // Caffe's older boolean 'normalize: false' means dividing by the batch size; the loss without a top gets one.
        LayerConfig old = layer(c, "oldloss");
        assertThat(old.settings(SoftmaxWithLossLayer.Spec.class).normalization()).isEqualTo(Caffe.LossParameter.NormalizationMode.BATCH_SIZE);
        assertThat(old.top()).containsExactly("oldloss");
        assertThat(layer(c, "acc").settings(AccuracyLayer.Spec.class).topK()).isEqualTo(5);
        assertThat(layer(c, "acc").settings(AccuracyLayer.Spec.class).ignoreLabel()).isEqualTo(-1);
    }

    @Test
    void pathsResolveFromTheWorkingDirectoryFirstThenTheProtoxtFolder() throws Exception {
        Path wd = Files.createDirectories(tmp.resolve("wd"));
        Path models = Files.createDirectories(tmp.resolve("models"));
        Files.createDirectories(wd.resolve("both_lmdb"));
        Files.createDirectories(models.resolve("both_lmdb"));
        Files.createDirectories(models.resolve("only_here_lmdb"));
        Files.writeString(models.resolve("mean.binaryproto"), "");
        Path net = models.resolve("net.prototxt");
        Files.writeString(net, """
                name: "Paths"
                layer { name: "a" type: "Data" top: "a" include { phase: TRAIN }
                        transform_param { mean_file: "mean.binaryproto" }
                        data_param { source: "both_lmdb" batch_size: 1 backend: LMDB } }
                layer { name: "a" type: "Data" top: "a" include { phase: TEST }
                        data_param { source: "only_here_lmdb" batch_size: 1 backend: LMDB } }
                layer { name: "b" type: "Data" top: "b"
                        data_param { source: "nowhere_lmdb" batch_size: 1 backend: LMDB } }
                """);
        CaffeImporter.Result r = CaffeImporter.importFiles(net, null, tmp.resolve("out/net.json"), wd);
        List<LayerConfig> layers = r.config().layers();
        assertThat(layers.get(0).dataParam().source()).isEqualTo(wd.resolve("both_lmdb").toAbsolutePath());
        assertThat(layers.get(0).transformParam().meanFile()).isEqualTo(models.resolve("mean.binaryproto").toAbsolutePath());
        assertThat(layers.get(1).dataParam().source()).isEqualTo(models.resolve("only_here_lmdb").toAbsolutePath());
        assertThat(layers.get(2).dataParam().source()).isEqualTo(wd.resolve("nowhere_lmdb").toAbsolutePath());
        assertThat(r.warnings()).hasSize(1);
        assertThat(r.warnings().get(0)).contains(net.toString(), "layer 'b'", "data_param.source", "\"nowhere_lmdb\"",
                "exists neither");
        // Everything in the written net.json is absolute, so it runs from any directory.
        assertThat(r.json()).doesNotContain("\"both_lmdb\"");
    }

    @Test
    void leveldbDataIsImportedAsLeveldbWithoutAWarning() throws Exception {
        CaffeImporter.Result r = importText("""
                layer { name: "d" type: "Data" top: "d" data_param { source: "x" batch_size: 2 rand_skip: 5 } }
                """);
        // No backend: Caffe's default, LevelDB, which Graft reads.
        assertThat(r.config().layers().get(0).dataParam().backend()).isEqualTo(Caffe.DataParameter.DB.LEVELDB);
        assertThat(r.warnings()).noneMatch(w -> w.contains("LevelDB"));
        assertThat(r.warnings()).anyMatch(w -> w.contains("rand_skip 5 is ignored"));
        // An empty net name (allowed by Caffe) becomes the file's name.
        assertThat(r.config().name()).isEqualTo("net");
    }

    @Test
    void solverMapsToTheSolverSection() throws Exception {
        Files.writeString(tmp.resolve("net.prototxt"), """
                name: "S"
                layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 1 dim: 4 } } }
                layer { name: "fc" type: "InnerProduct" bottom: "x" top: "y" inner_product_param { num_output: 2 } }
                """);
        Path solver = tmp.resolve("solver.prototxt");
        Files.writeString(solver, """
                net: "net.prototxt"
                base_lr: 0.02 lr_policy: "multistep" gamma: 0.5 stepvalue: 100 stepvalue: 200
                max_iter: 300 momentum: 0.95 weight_decay: 0.001 display: 10 average_loss: 5
                test_iter: 7 test_interval: 50 test_initialization: false snapshot: 100 snapshot_prefix: "snaps/s"
                snapshot_after_train: false random_seed: 42 solver_mode: CPU device_id: 1 weights: "base.caffemodel"
                """);
        Files.createDirectories(tmp.resolve("snaps"));
        CaffeImporter.Result r = CaffeImporter.importFiles(null, solver, tmp.resolve("out/net.json"), tmp);
        SolverConfig s = r.config().solver();
        assertThat(s.baseLr()).isEqualTo(0.02f);
        assertThat(s.lrPolicy()).isEqualTo(SolverConfig.LrPolicy.MULTISTEP);
        assertThat(s.gamma()).isEqualTo(0.5f);
        assertThat(s.stepvalue()).containsExactly(100, 200);
        assertThat(s.maxIter()).isEqualTo(300);
        assertThat(s.momentum()).isEqualTo(0.95f);
        assertThat(s.weightDecay()).isEqualTo(0.001f);
        assertThat(s.display()).isEqualTo(10);
        assertThat(s.averageLoss()).isEqualTo(5);
        assertThat(s.testIter()).isEqualTo(7);
        assertThat(s.testInterval()).isEqualTo(50);
        assertThat(s.testInitialization()).isFalse();
        assertThat(s.snapshot()).isEqualTo(100);
        assertThat(s.snapshotPrefix()).isEqualTo(tmp.toAbsolutePath().resolve("snaps/s"));
        assertThat(s.snapshotAfterTrain()).isFalse();
        assertThat(s.randomSeed()).isEqualTo(42);
        assertThat(r.config().init().weights()).isEqualTo(tmp.toAbsolutePath().resolve("base.caffemodel"));
        assertThat(r.config().name()).isEqualTo("S");
        assertThat(CaffeImporter.isSolverFile(solver)).isTrue();
        assertThat(CaffeImporter.isSolverFile(tmp.resolve("net.prototxt"))).isFalse();
    }

    @Test
    void solverSettingsGraftCannotRunStopTheImport() throws Exception {
        Files.writeString(tmp.resolve("net.prototxt"), """
                layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 1 dim: 4 } } }
                """);
        Path solver = tmp.resolve("solver.prototxt");
        Files.writeString(solver, "net: \"net.prototxt\" base_lr: 0.1 lr_policy: \"fixed\" type: \"Adam\"");
        assertThatThrownBy(() -> CaffeImporter.importFiles(null, solver, tmp.resolve("o.json"), tmp))
                .isInstanceOf(CaffeFormatException.class).hasMessageContaining("\"Adam\"").hasMessageContaining("only SGD");
        Files.writeString(solver, "net: \"net.prototxt\" base_lr: 0.1");
        assertThatThrownBy(() -> CaffeImporter.importFiles(null, solver, tmp.resolve("o.json"), tmp))
                .hasMessageContaining("no lr_policy");
    }

    @Test
    void unsupportedLayerTypeNamesTheLayerTheTypeAndTheSupportedList() {
        assertThatThrownBy(() -> importText("""
                layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 1 dim: 4 } } }
                layer { name: "lstm" type: "LSTM" bottom: "x" bottom: "x" top: "y" }
                """)).isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("net.prototxt")
                .hasMessageContaining("layer 'lstm'")
                .hasMessageContaining("'LSTM'")
                .hasMessageContaining("supported types: Input, Data, ImageData, Convolution, Pooling, LRN, ReLU, Dropout,"
                        + " InnerProduct, Softmax, SoftmaxWithLoss, Accuracy, Split");
    }

    @Test
    void syntaxErrorGivesFileLineAndColumn() {
        assertThatThrownBy(() -> importText("""
                name: "Bad"
                layer {
                  name: "in"
                  type "Input"
                }
                """)).isInstanceOf(CaffeFormatException.class).hasMessageContaining("net.prototxt:4:");
    }

    @Test
    void problemsTheNetJsonLoaderFindsNameTheCaffeLayer() {
        assertThatThrownBy(() -> importText("""
                layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 1 dim: 4 dim: 5 dim: 5 } } }
                layer { name: "conv" type: "Convolution" bottom: "nope" top: "y" convolution_param { num_output: 4 kernel_size: 3 } }
                """)).isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("layer 'conv' (Convolution) bottom[0]")
                .hasMessageContaining("\"nope\"");
        assertThatThrownBy(() -> importText("""
                layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 1 dim: 4 dim: 5 dim: 5 } } }
                layer { name: "conv" type: "Convolution" bottom: "x" top: "y" convolution_param { num_output: 4 kernel_size: 3 group: 3 } }
                """)).hasMessageContaining("layer 'conv' (Convolution) convolution_param.group");
    }

    @Test
    void separateTrainAndTestNetsAreJoinedWithPhases() throws Exception {
        String common = """
                layer { name: "fc" type: "InnerProduct" bottom: "x" top: "y" inner_product_param { num_output: 3 } }
                layer { name: "relu" type: "ReLU" bottom: "y" top: "y" }
                """;
        Files.writeString(tmp.resolve("train.prototxt"), "name: \"J\"\n"
                + "layer { name: \"in\" type: \"Input\" top: \"x\" top: \"l\" input_param { shape { dim: 8 dim: 4 } shape { dim: 8 } } }\n"
                + common + "layer { name: \"loss\" type: \"SoftmaxWithLoss\" bottom: \"y\" bottom: \"l\" }\n");
        Files.writeString(tmp.resolve("val.prototxt"), "name: \"J\"\n"
                + "layer { name: \"in\" type: \"Input\" top: \"x\" top: \"l\" input_param { shape { dim: 2 dim: 4 } shape { dim: 2 } } }\n"
                + common + "layer { name: \"prob\" type: \"Softmax\" bottom: \"y\" top: \"p\" }\n"
                + "layer { name: \"acc\" type: \"Accuracy\" bottom: \"p\" bottom: \"l\" top: \"acc\" }\n");
        Path solver = tmp.resolve("solver.prototxt");
        Files.writeString(solver, "train_net: \"train.prototxt\" test_net: \"val.prototxt\" test_iter: 3 base_lr: 0.1 lr_policy: \"fixed\"");
        NetConfig c = CaffeImporter.importFiles(null, solver, tmp.resolve("net.json"), tmp).config();
        assertThat(names(c.layers())).containsExactly("in", "in", "fc", "relu", "loss", "prob", "acc");
        assertThat(c.layers().get(0).include().get(0).phase()).isEqualTo(Phase.TRAIN);
        assertThat(c.layers().get(1).include().get(0).phase()).isEqualTo(Phase.TEST);
        assertThat(layer(c, "fc").include()).isEmpty();
        assertThat(layer(c, "loss").include().get(0).phase()).isEqualTo(Phase.TRAIN);
        assertThat(layer(c, "acc").include().get(0).phase()).isEqualTo(Phase.TEST);
        assertThat(c.solver().testIter()).isEqualTo(3);
    }

    @Test
    void weightShapesAreCheckedByLayerAndBlob() {
        NetConfig deploy = CaffeImporter.importFiles(CAFFE.resolve("lenet_deploy.prototxt"), null, tmp.resolve("net.json"), tmp).config();
        Map<String, List<int[]>> want = WeightShapes.expected(deploy);
        assertThat(want.get("conv2").get(0)).containsExactly(50, 20, 5, 5);
        assertThat(want.get("ip1").get(0)).containsExactly(500, 800);
        assertThat(want.get("ip2").get(1)).containsExactly(10);

        List<CaffeWeights.LayerBlobs> file = CaffeWeights.layers(CaffeFiles.readNet(CaffeFilesTest.MODEL), "lenet");
        WeightShapes.Matched m = WeightShapes.match(deploy, file, "lenet");
        assertThat(m.layers()).extracting(CaffeWeights.LayerBlobs::layerName).containsExactly("conv1", "conv2", "ip1", "ip2");
        assertThat(m.missing()).isEmpty();
        assertThat(m.unused()).isEmpty();

        // A net whose ip2 has 12 outputs (a different num_output) does not fit the trained weights.
        NetConfig wrong = deploy.withLayers(deploy.layers().stream().map(l -> l.name().equals("ip2")
                ? l.toBuilder().settings(l.settings(InnerProductLayer.Spec.class).withNumOutput(12)).build() : l).toList());
        assertThatThrownBy(() -> WeightShapes.match(wrong, file, "lenet.caffemodel"))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("layer 'ip2' blob 0 (weights)")
                .hasMessageContaining("expects shape [12,500]")
                .hasMessageContaining("has [10,500]")
                .hasMessageContaining("rename it");
    }
}
