package org.graft.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.CaffeImporter;
import org.graft.net.config.NetConfig;
import org.graft.testing.CliRun;
import org.graft.testing.Repo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Model Zoo networks of testdata/zoo exported to ONNX with seeded random weights ({@code export
 * --random-weights}: the fillers, BatchNorm statistics measured on a random input) and run by ONNX Runtime
 * against Graft's forward pass at batch 1, the class scores compared besides the outputs.
 */
class OnnxZooNetsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "googlenet, 224, loss3/classifier",
            "resnet50, 224, fc1000",
            "squeezenet1.1, 227, pool10",
            "mobilenet, 224, fc7"})
    void zooNetMatchesGraft(String net, int side, String scores) {
        Path prototxt = Repo.path("testdata", "zoo", net, "deploy.prototxt");
        Path weights = tmp.resolve(net + ".caffemodel");
        CliRun r = CliRun.run("export", prototxt.toString(), "--random-weights", "--seed", "1", "-o", weights.toString(),
                "--backend", System.getProperty("graft.backend", "jocl"));
        assertThat(r.code()).as(r.err()).isZero();
        NetConfig cfg = CaffeImporter.importFiles(prototxt, null, tmp.resolve(net + ".json"), tmp).config();
        OnnxRoundTrip.Run run = OnnxRoundTrip.run(cfg, weights, OnnxRoundTrip.randomInput(3, 1, 3, side, side),
                OnnxExporter.Options.defaults(), List.of(scores)).assertClose(net);
        assertThat(run.comparisons()).extracting(OnnxRoundTrip.Comparison::output).contains(scores);
    }
}
