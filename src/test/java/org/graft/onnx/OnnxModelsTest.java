package org.graft.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.graft.caffe.CaffeImporter;
import org.graft.data.Npy;
import org.graft.net.ForwardProbe.Capture;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.onnx.proto.Onnx.StringStringEntryProto;
import org.graft.testing.CliRun;
import org.graft.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole models exported to ONNX and run by ONNX Runtime against Graft's forward pass: LeNet as Caffe trained
 * it (and against the stored Caffe/OpenCV reference), the Fashion example's net and the paper's CaffeNet with
 * seeded random weights. Intermediate blobs are compared too (see {@link OnnxRoundTrip#run}).
 */
class OnnxModelsTest {
    private static final Path LENET = Repo.path("testdata", "caffe");

    @TempDir
    Path tmp;

    @Test
    void lenetAsCaffeTrainedItMatchesGraftAndTheCaffeReference() {
        NetConfig cfg = CaffeImporter.importFiles(LENET.resolve("lenet_deploy.prototxt"), null, tmp.resolve("lenet.json"), tmp).config();
        Npy.Array input = Npy.read(LENET.resolve("input.npy"));
        OnnxRoundTrip.Run r = OnnxRoundTrip.run(cfg, LENET.resolve("lenet_iter_10000.caffemodel"), input,
                OnnxExporter.Options.defaults(), List.of("conv1", "pool1", "conv2", "pool2", "ip1", "relu1", "ip2")).assertClose("LeNet");
        assertThat(r.export().inputs()).containsExactly("data");
        assertThat(r.export().outputs().get(0).name()).isEqualTo("prob");
        Map<String, Capture> onnx = OnnxRoundTrip.onnxRuntime(r.export().model().toByteArray(), "data", input);
        float[] ref = Npy.read(LENET.resolve("ref_prob.npy")).data();
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(onnx.get("prob").data()[i] - ref[i]));
        }
        System.out.printf(Locale.ROOT, "ONNX export LeNet: prob vs the Caffe/OpenCV reference: max |diff| %.3g%n", worst);
        assertThat(worst).isLessThan(OnnxRoundTrip.TOLERANCE);
    }

    /** The train/test prototxt: the Data layer becomes the input, its scale goes to the metadata, loss and accuracy are left out. */
    @Test
    void lenetTrainTestNetExportsItsTestPhase() {
        NetConfig cfg = CaffeImporter.importFiles(LENET.resolve("lenet_train_test.prototxt"), null, tmp.resolve("tt.json"), tmp).config();
        Npy.Array input = OnnxRoundTrip.randomInput(5, 3, 1, 28, 28);
        OnnxRoundTrip.Run r = OnnxRoundTrip.run(cfg, LENET.resolve("lenet_iter_10000.caffemodel"), input,
                new OnnxExporter.Options(13, 0, new int[] {1, 28, 28}), List.of("pool2")).assertClose("LeNet train_test");
        assertThat(r.export().outputs()).extracting(OnnxExporter.Output::name).containsExactly("ip2", "pool2");
        assertThat(r.export().notes()).anyMatch(n -> n.contains("Left out SoftmaxWithLoss layer 'loss'"))
                .anyMatch(n -> n.contains("Left out Accuracy layer 'accuracy'")).anyMatch(n -> n.contains("multiply by 0.00390625"));
        assertThat(r.export().model().getMetadataPropsList()).extracting(StringStringEntryProto::getKey)
                .contains(Preprocessing.KEY, "caffe.transform_param.scale");
    }

    @Test
    void fashionExampleNetWithSeededRandomWeights() {
        NetConfig cfg = NetConfigLoader.load(Repo.path("examples", "fashion-mnist", "net.json"));
        Path w = OnnxRoundTrip.randomWeights(cfg, new int[] {1, 28, 28}, 2024, tmp.resolve("fashion.caffemodel"));
        OnnxRoundTrip.run(cfg, w, OnnxRoundTrip.randomInput(9, 2, 1, 28, 28), new OnnxExporter.Options(13, 0, new int[] {1, 28, 28}),
                List.of("conv1", "norm1", "pool2")).assertClose("Fashion");
    }

    /** The Fashion example after a short training (30 SGD steps on Fashion-MNIST): trained, not just initial, weights. */
    @Test
    void fashionExampleAfterAShortTraining() throws IOException {
        Path net = tmp.resolve("fashion/net.json");
        Files.createDirectories(net.getParent());
        Files.copy(Repo.path("examples", "fashion-mnist", "net.json"), net);
        CliRun train = CliRun.run("train", net.toString(), "--max-iter", "30", "--no-tune");
        assertThat(train.code()).as(train.err()).isZero();
        Path w = net.getParent().resolve("snapshots/fashion_iter_30.caffemodel");
        assertThat(w).exists();
        OnnxRoundTrip.run(NetConfigLoader.load(net), w, OnnxRoundTrip.randomInput(5, 3, 1, 28, 28),
                new OnnxExporter.Options(13, 0, new int[] {1, 28, 28}), List.of("conv1", "norm1", "pool2", "fc7")).assertClose("Fashion trained");
    }

    /** The small ResNet example (BatchNorm + Scale, Eltwise SUM shortcuts, global average pooling) with seeded random weights. */
    @Test
    void resnetFashionExampleWithSeededRandomWeights() {
        NetConfig cfg = NetConfigLoader.load(Repo.path("examples", "transfer", "resnet-fashion", "net.json"));
        Path w = OnnxRoundTrip.randomWeights(cfg, new int[] {1, 28, 28}, 77, tmp.resolve("resnet.caffemodel"));
        OnnxRoundTrip.Run r = OnnxRoundTrip.run(cfg, w, OnnxRoundTrip.randomInput(21, 2, 1, 28, 28),
                new OnnxExporter.Options(13, 0, new int[] {1, 28, 28}), List.of("conv1", "res2a_branch2b", "res2a", "res4a", "pool5"))
                .assertClose("ResNet-Fashion");
        assertThat(r.export().model().getGraph().getNodeList()).extracting(n -> n.getOpType())
                .contains("BatchNormalization", "Add", "GlobalAveragePool");
    }

    /** The paper's CaffeNet (train_val, TEST phase) at batch 1, 3×227×227, seeded random weights (61M floats). */
    @Test
    void paperCaffeNetWithSeededRandomWeights() {
        NetConfig cfg = CaffeImporter.importFiles(Repo.path("testdata", "paper", "v2", "caffenet_train_val.prototxt"), null,
                tmp.resolve("caffenet.json"), tmp).config();
        int[] chw = {3, 227, 227};
        Path w = OnnxRoundTrip.randomWeights(cfg, chw, 42, tmp.resolve("caffenet.caffemodel"));
        OnnxRoundTrip.Run r = OnnxRoundTrip.run(cfg, w, OnnxRoundTrip.randomInput(17, 1, 3, 227, 227), new OnnxExporter.Options(13, 0, chw),
                List.of("conv1", "norm1", "norm2", "conv4", "pool5", "fc6", "fc7", "fc8")).assertClose("CaffeNet");
        assertThat(r.export().outputs().get(0).name()).isEqualTo("prob");
        assertThat(r.export().model().getMetadataPropsList()).extracting(StringStringEntryProto::getKey)
                .contains("caffe.transform_param.crop_size", "caffe.transform_param.mean_file");
    }
}
