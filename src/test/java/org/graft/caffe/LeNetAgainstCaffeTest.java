package org.graft.caffe;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.cli.ForwardCommand;
import org.graft.data.Npy;
import org.graft.net.ForwardProbe.Capture;
import org.graft.net.config.NetConfig;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key interoperability check: a LeNet trained by real Caffe, imported through the importer and run
 * through the forward path, against what OpenCV's independent Caffe importer computed for the same inputs
 * (testdata/caffe/SOURCE.md). The weights file is Caffe's TRAIN-phase net, matched to the deploy net by
 * layer name.
 */
class LeNetAgainstCaffeTest {
    private static final Path DIR = Repo.path("testdata", "caffe");
    private static final Path MODEL = DIR.resolve("lenet_iter_10000.caffemodel");
    private static final List<String> BLOBS = List.of("conv1", "pool1", "conv2", "pool2", "ip2", "prob");
    /** The references agree with a float64 implementation to 1.3e-6; float32 with another summation order differs by ~1e-6. */
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    private static double maxError(String what, Capture actual, Npy.Array ref) {
        assertThat(actual.shape()).as("%s shape", what).containsExactly(ref.shape());
        double max = 0;
        for (int i = 0; i < ref.data().length; i++) {
            max = Math.max(max, Math.abs((double) actual.data()[i] - ref.data()[i]));
        }
        return max;
    }

    @Test
    void importedDeployNetMatchesOpenCvOnEveryReferenceBlob() {
        NetConfig cfg = CaffeImporter.importFiles(DIR.resolve("lenet_deploy.prototxt"), null, tmp.resolve("net.json"), tmp).config();
        Npy.Array input = Npy.read(DIR.resolve("input.npy"));
        List<String> notes = new ArrayList<>();
        List<String> wanted = new ArrayList<>(BLOBS);
        wanted.add("ip1");
        wanted.add("relu1");
        Map<String, Capture> out = ForwardCommand.forward(TestEngines.get(), cfg, MODEL, input, wanted, notes::add);
        assertThat(notes).anyMatch(n -> n.contains("for 4 layer(s): conv1, conv2, ip1, ip2"));
        assertThat(notes).noneMatch(n -> n.startsWith("warning"));
        double worst = 0;
        for (String blob : BLOBS) {
            double err = maxError(blob, out.get(blob), Npy.read(DIR.resolve("ref_" + blob + ".npy")));
            System.out.printf(Locale.ROOT, "LeNet vs OpenCV: %-5s max |error| = %.3g%n", blob, err);
            assertThat(err).as("max abs error of %s", blob).isLessThan(TOLERANCE);
            worst = Math.max(worst, err);
        }
        System.out.printf(Locale.ROOT, "LeNet vs OpenCV: worst max |error| = %.3g%n", worst);

        // ip1 is captured as ip1 left it, before the in-place relu1 overwrote the blob; relu1 gives the activations.
        float[] ip1 = out.get("ip1").data();
        float[] relu1 = out.get("relu1").data();
        boolean anyNegative = false;
        for (int i = 0; i < ip1.length; i++) {
            anyNegative |= ip1[i] < 0;
            assertThat(relu1[i]).isEqualTo(Math.max(ip1[i], 0f));
        }
        assertThat(anyNegative).as("ip1 holds the values before the ReLU").isTrue();
        // argmax of prob per input: 3, 6, 6, 0 (SOURCE.md)
        float[] prob = out.get("prob").data();
        int[] argmax = new int[4];
        for (int n = 0; n < 4; n++) {
            for (int c = 1; c < 10; c++) {
                if (prob[n * 10 + c] > prob[n * 10 + argmax[n]]) {
                    argmax[n] = c;
                }
            }
        }
        assertThat(argmax).containsExactly(3, 6, 6, 0);
    }

    @Test
    void trainTestNetRunsForwardWithItsDataLayerReplacedByTheInput() {
        NetConfig cfg = CaffeImporter.importFiles(DIR.resolve("lenet_train_test.prototxt"), null, tmp.resolve("net.json"), tmp).config();
        Npy.Array input = Npy.read(DIR.resolve("input.npy"));
        List<String> notes = new ArrayList<>();
        Map<String, Capture> out = ForwardCommand.forward(TestEngines.get(), cfg, MODEL, input, List.of("ip2", "pool1"), notes::add);
        assertThat(notes).anyMatch(n -> n.contains("'mnist' is replaced by the input tensor"));
        assertThat(maxError("ip2", out.get("ip2"), Npy.read(DIR.resolve("ref_ip2.npy")))).isLessThan(TOLERANCE);
        assertThat(maxError("pool1", out.get("pool1"), Npy.read(DIR.resolve("ref_pool1.npy")))).isLessThan(TOLERANCE);
    }

    @Test
    void exportThenImportGivesBitIdenticalBlobs() {
        NetConfig cfg = CaffeImporter.importFiles(DIR.resolve("lenet_deploy.prototxt"), null, tmp.resolve("net.json"), tmp).config();
        Path exported = tmp.resolve("exported.caffemodel");
        CaffeFiles.writeNet(exported, WeightFiles.forExport(cfg, MODEL).net());
        // And once more through the import of the exported file.
        Path again = tmp.resolve("again.caffemodel");
        CaffeFiles.writeNet(again, WeightFiles.fit(cfg, exported).net());

        Map<String, List<WeightBlob>> original = CaffeWeights.byLayer(CaffeFiles.readNet(MODEL), MODEL.toString());
        for (Path p : List.of(exported, again)) {
            var net = CaffeFiles.readNetRaw(p);
            assertThat(net.getLayersCount()).as("no legacy V1 entries").isZero();
            assertThat(net.getLayerList()).extracting(l -> l.getName() + ":" + l.getType())
                    .containsExactly("conv1:Convolution", "conv2:Convolution", "ip1:InnerProduct", "ip2:InnerProduct");
            net.getLayerList().forEach(l -> l.getBlobsList().forEach(b -> {
                assertThat(b.hasShape()).isTrue();
                assertThat(b.hasNum() || b.hasChannels() || b.hasHeight() || b.hasWidth()).isFalse();
                assertThat(b.getDiffCount()).isZero();
            }));
            Map<String, List<WeightBlob>> back = CaffeWeights.byLayer(net, p.toString());
            assertThat(back.keySet()).containsExactlyElementsOf(original.keySet());
            for (String layer : original.keySet()) {
                for (int i = 0; i < original.get(layer).size(); i++) {
                    WeightBlob a = original.get(layer).get(i);
                    WeightBlob b = back.get(layer).get(i);
                    assertThat(b.shape()).containsExactly(a.shape());
                    for (int j = 0; j < a.data().length; j++) {
                        if (Float.floatToRawIntBits(a.data()[j]) != Float.floatToRawIntBits(b.data()[j])) {
                            throw new AssertionError(layer + " blob " + i + " [" + j + "] differs after export");
                        }
                    }
                }
            }
        }
    }
}
