package org.graft.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.graft.data.Npy;
import org.graft.net.ForwardProbe.Capture;
import org.graft.onnx.proto.Onnx.ModelProto;
import org.graft.testing.CliRun;
import org.graft.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export --format onnx} on the command line: options, the written file, and its refusals. */
class ExportOnnxCommandTest {
    private static final String LENET = Repo.arg("testdata", "caffe", "lenet_deploy.prototxt");
    private static final String WEIGHTS = Repo.arg("testdata", "caffe", "lenet_iter_10000.caffemodel");

    @TempDir
    Path tmp;

    @Test
    void writesAModelWithTheGivenOpsetAndBatchThatOnnxRuntimeRuns() throws Exception {
        Path out = tmp.resolve("lenet.onnx");
        CliRun r = CliRun.run("export", LENET, WEIGHTS, "--format", "onnx", "--opset", "17", "--batch", "4", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("as ONNX (opset 17, batch 4)").contains("input(s) data, output(s) prob");
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(out));
        assertThat(m.getOpsetImport(0).getVersion()).isEqualTo(17);
        assertThat(m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimValue()).isEqualTo(4);
        Npy.Array input = Npy.read(Repo.path("testdata", "caffe", "input.npy"));
        Map<String, Capture> y = OnnxRoundTrip.onnxRuntime(Files.readAllBytes(out), "data", input);
        float[] ref = Npy.read(Repo.path("testdata", "caffe", "ref_prob.npy")).data();
        for (int i = 0; i < ref.length; i++) {
            assertThat((double) y.get("prob").data()[i]).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void refusesOnnxOptionsForCaffemodelsAndBadValues() {
        Path out = tmp.resolve("x");
        CliRun caffemodel = CliRun.run("export", LENET, WEIGHTS, "--opset", "13", "-o", out.toString());
        assertThat(caffemodel.code()).isNotZero();
        assertThat(caffemodel.err()).contains("--opset, --batch and --input-shape go with --format onnx").doesNotContain("\tat ");
        CliRun opset = CliRun.run("export", LENET, WEIGHTS, "--format", "onnx", "--opset", "9", "-o", out.toString());
        assertThat(opset.err()).contains("--opset 9 is not supported; Graft writes opsets 13 to 21");
        CliRun batch = CliRun.run("export", LENET, WEIGHTS, "--format", "onnx", "--batch", "many", "-o", out.toString());
        assertThat(batch.err()).contains("--batch expects a positive number or 'dynamic', got 'many'");
        CliRun shape = CliRun.run("export", LENET, WEIGHTS, "--format", "onnx", "--input-shape", "1,28,28", "-o", out.toString());
        assertThat(shape.err()).contains("--input-shape gives the image shape of a data layer; net 'LeNet' has none");
        assertThat(Files.exists(out)).isFalse();
    }

    /** A data layer whose source is not here: the message names the layer and asks for --input-shape. */
    @Test
    void dataLayerWithoutItsSourceAsksForTheInputShape() {
        String net = Repo.arg("testdata", "caffe", "lenet_train_test.prototxt");
        CliRun r = CliRun.run("export", net, WEIGHTS, "--format", "onnx", "-o", tmp.resolve("t.onnx").toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("cannot export layer 'mnist' (Data) to ONNX").contains("give --input-shape C,H,W")
                .doesNotContain("\tat ");
        CliRun given = CliRun.run("export", net, WEIGHTS, "--format", "onnx", "--input-shape", "1,28,28", "-o", tmp.resolve("t.onnx").toString());
        assertThat(given.code()).as(given.err()).isZero();
        assertThat(given.out()).contains("note: Left out SoftmaxWithLoss layer 'loss'").contains("multiply by 0.00390625");
    }

    /** The Fashion example's data layer reads its IDX source for the image shape (the dataset tools/setup installs). */
    @Test
    void dataLayerShapeComesFromItsSource() throws Exception {
        Path net = Repo.path("examples", "fashion-mnist", "net.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")),
                "Debian's dataset-fashion-mnist (tools/setup installs it)");
        Path out = tmp.resolve("fashion.onnx");
        CliRun r = CliRun.run("export", net.toString(), "--random-weights", "--format", "onnx", "-o", out.toString(),
                "--backend", System.getProperty("graft.backend", "jocl"));
        assertThat(r.code()).as(r.err()).isZero();
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(out));
        assertThat(m.getGraph().getInput(0).getType().getTensorType().getShape().getDimList())
                .extracting(d -> d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue())).containsExactly("N", "1", "28", "28");
        assertThat(m.getMetadataPropsList()).anySatisfy(p -> assertThat(p.getValue()).contains("multiply by 0.00390625"));
    }
}
