package org.graft.caffe;

import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.layers.Phase;
import org.graft.net.NetBuilder;
import org.graft.net.NetBuilder.PhaseNet;
import org.graft.net.config.BlobShape;
import org.graft.net.config.DataParam;
import org.graft.net.config.InputParam;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;
import org.graft.net.config.ParamSpec;
import org.graft.net.config.TransformParam;
import org.graft.solver.SgdSolver;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paper's networks (testdata/paper, written from caffe-format.md A2-A6) through the importer, and one training step. */
class PaperNetsTest {
    private static final Path PAPER = Repo.path("testdata", "paper");
    private static final List<String> LEARNED = List.of("conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8");

    @TempDir
    Path tmp;

    private NetConfig importSolver(String solver) {
        return CaffeImporter.importFiles(null, PAPER.resolve(solver), tmp.resolve("net.json"), tmp).config();
    }

    /**
     * The same net with every data path (and database format: the V0 files read LevelDBs, the V2 ones LMDBs)
     * replaced, so that nets differing only in their data compare equal.
     */
    private static NetConfig withoutDataPaths(NetConfig c) {
        List<LayerConfig> layers = new ArrayList<>();
        for (LayerConfig l : c.layers()) {
            if (l.type() == LayerType.DATA) {
                DataParam d = l.dataParam();
                TransformParam t = l.transformParam();
                l = l.toBuilder().data(new DataParam(Path.of("/data"), d.batchSize(), Caffe.DataParameter.DB.LMDB, d.labelSource(), d.classes(),
                                d.shuffle(), d.limit()))
                        .transform(new TransformParam(t.scale(), t.mirror(), t.cropSize(), t.meanFile() == null ? null : Path.of("/mean"),
                                t.meanValue())).build();
            }
            layers.add(l);
        }
        return c.withLayers(layers);
    }

    private static LayerConfig layer(NetConfig c, String name) {
        return c.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no layer " + name));
    }

    @Test
    void v0FilesReadTheirLevelDbsWithoutADataFormatWarning() {
        CaffeImporter.Result r = CaffeImporter.importFiles(null, PAPER.resolve("v0/half0A/imagenet_solver.prototxt"), tmp.resolve("net.json"), tmp);
        assertThat(r.config().layers().stream().filter(l -> l.type() == LayerType.DATA).map(l -> l.dataParam().backend()))
                .containsOnly(Caffe.DataParameter.DB.LEVELDB);
        assertThat(r.warnings()).noneMatch(w -> w.contains("LevelDB") || w.contains("convert_imageset") || w.contains("backend"));
    }

    @Test
    void v0AndV2FilesGiveTheSameNets() {
        String[][] pairs = {
                {"v0/half0A/imagenet_solver.prototxt", "v2/caffenet_solver.prototxt"},
                {"v0/transfer0A0B_1_3/imagenet_solver.prototxt", "v2/transfer0A0B_1_3_solver.prototxt"},
                {"v0/transfer-ft0A0B_1_3/imagenet_solver.prototxt", "v2/transfer-ft0A0B_1_3_solver.prototxt"},
        };
        for (String[] p : pairs) {
            NetConfig v0 = importSolver(p[0]);
            NetConfig v2 = importSolver(p[1]);
            assertThat(withoutDataPaths(v0)).as("%s vs %s", p[0], p[1]).isEqualTo(withoutDataPaths(v2));
        }
        // netbase folds its separate padding layers into the conv layers: the same net as half0A.
        NetConfig netbase = importSolver("v0/netbase/imagenet_solver.prototxt");
        assertThat(netbase.layers().stream().map(LayerConfig::name)).doesNotContain("pad2", "pad3", "pad4", "pad5");
        assertThat(layer(netbase, "conv2").settings(ConvolutionLayer.Spec.class).padH()).isEqualTo(2);
        assertThat(withoutDataPaths(netbase)).isEqualTo(withoutDataPaths(importSolver("v0/half0A/imagenet_solver.prototxt")));
    }

    @Test
    void theBaseNetIsCaffeNetAsThePaperTrainedIt() {
        NetConfig c = importSolver("v0/half0A/imagenet_solver.prototxt");
        assertThat(c.layersFor(Phase.TRAIN).stream().map(LayerConfig::name)).containsExactly("data", "conv1", "relu1", "pool1", "norm1",
                "conv2", "relu2", "pool2", "norm2", "conv3", "relu3", "conv4", "relu4", "conv5", "relu5", "pool5",
                "fc6", "relu6", "drop6", "fc7", "relu7", "drop7", "fc8", "loss");
        assertThat(c.layersFor(Phase.TEST).stream().map(LayerConfig::name)).endsWith("fc8", "prob", "accuracy");
        LayerConfig trainData = c.layersFor(Phase.TRAIN).get(0);
        assertThat(trainData.dataParam().batchSize()).isEqualTo(256);
        assertThat(trainData.transformParam().cropSize()).isEqualTo(227);
        assertThat(trainData.transformParam().mirror()).isTrue();
        assertThat(c.layersFor(Phase.TEST).get(0).dataParam().batchSize()).isEqualTo(50);
        assertThat(c.layersFor(Phase.TEST).get(0).transformParam().mirror()).isFalse();
        assertThat(layer(c, "fc8").settings(InnerProductLayer.Spec.class).numOutput()).isEqualTo(1000);
        assertThat(layer(c, "conv2").settings(ConvolutionLayer.Spec.class).group()).isEqualTo(2);
        assertThat(layer(c, "fc6").settings(InnerProductLayer.Spec.class).weightFiller().getStd()).isEqualTo(0.005f);
        assertThat(layer(c, "conv2").settings(ConvolutionLayer.Spec.class).biasFiller().getValue()).isEqualTo(1f);
        for (String name : LEARNED) {
            assertThat(layer(c, name).param()).as(name).containsExactly(ParamSpec.of(1, 1), ParamSpec.of(2, 0));
        }
        var s = c.solver();
        assertThat(new double[] {s.baseLr(), s.gamma(), s.momentum(), s.weightDecay()}).containsExactly(0.01f, 0.1f, 0.9f, 0.0005f);
        assertThat(new int[] {s.stepsize(), s.maxIter(), s.testIter(), s.testInterval(), s.display(), s.snapshot()})
                .containsExactly(100000, 450000, 1000, 1000, 20, 10000);
        // 60,965,224 learned values (caffe-format.md A2), counted from the shapes the importer infers.
        long params = 0;
        for (List<int[]> blobs : WeightShapes.expected(withInput(c, 1)).values()) {
            for (int[] shape : blobs) {
                long n = 1;
                for (int d : shape) {
                    n *= d;
                }
                params += n;
            }
        }
        assertThat(params).isEqualTo(60_965_224L);
    }

    @Test
    void transferVariantsRenameTheUpperLayersAndFreezeOrFineTuneTheCopiedOnes() {
        NetConfig frozen = importSolver("v0/transfer0A0B_1_3/imagenet_solver.prototxt");
        NetConfig tuned = importSolver("v0/transfer-ft0A0B_1_3/imagenet_solver.prototxt");
        for (int i = 0; i < LEARNED.size(); i++) {
            String name = LEARNED.get(i);
            boolean copied = i < 3;
            String inNet = copied ? name : name + "-new";
            assertThat(layer(frozen, inNet).param()).as("frozen %s", inNet)
                    .containsExactly(copied ? new ParamSpec[] {ParamSpec.of(0, 0), ParamSpec.of(0, 0)}
                            : new ParamSpec[] {ParamSpec.of(1, 1), ParamSpec.of(2, 0)});
            assertThat(layer(tuned, inNet).param()).as("fine-tuned %s", inNet).containsExactly(ParamSpec.of(1, 1), ParamSpec.of(2, 0));
        }
        assertThat(layer(frozen, "fc8-new").settings(InnerProductLayer.Spec.class).numOutput()).isEqualTo(1000);
        // Copying weights by name: the renamed layers are not in a base net's file and keep their fillers.
        Map<String, List<int[]>> want = WeightShapes.expected(frozen);
        assertThat(want.keySet()).containsExactly("conv1", "conv2", "conv3", "conv4-new", "conv5-new", "fc6-new", "fc7-new", "fc8-new");
    }

    /** The TRAIN net with its data layer replaced by an Input of batch n, 3x227x227, and labels. */
    private static NetConfig withInput(NetConfig c, int n) {
        List<LayerConfig> layers = new ArrayList<>();
        for (LayerConfig l : c.layersFor(Phase.TRAIN)) {
            layers.add(l.type() != LayerType.DATA ? l : LayerConfig.builder("data", LayerType.INPUT).top("data", "label")
                    .input(new InputParam(List.of(BlobShape.of(n, 3, 227, 227), BlobShape.of(n)))).build());
        }
        return c.withLayers(layers);
    }

    @Test
    void fullSizeCaffeNetTakesOneTrainingStepWithAFiniteLoss() {
        NetConfig c = withInput(CaffeImporter.importFiles(PAPER.resolve("v2/caffenet_train_val.prototxt"),
                PAPER.resolve("v2/caffenet_solver.prototxt"), tmp.resolve("net.json"), tmp).config(), 4);
        long seed = 7;
        long start = System.nanoTime();
        try (PhaseNet train = NetBuilder.build(TestEngines.get(), c, Phase.TRAIN, seed, null, 0);
             SgdSolver solver = new SgdSolver(TestEngines.get(), c.requireSolver(), train.net(), seed)) {
            train.net().fill(seed);
            assertThat(train.net().blob("fc8").shape()).containsExactly(4, 1000);
            assertThat(train.net().blob("pool5").shape()).containsExactly(4, 256, 6, 6);
            SplittableRandom r = new SplittableRandom(seed);
            float[] images = new float[4 * 3 * 227 * 227];
            for (int i = 0; i < images.length; i++) {
                images[i] = (float) (r.nextDouble() * 255 - 120);  // mean-subtracted pixels
            }
            float[] labels = {3, 999, 0, 512};
            train.net().blob("data").upload(images);
            train.net().blob("label").upload(labels);
            Blob conv1 = train.net().layer("conv1").params().get(0).blob();
            Blob fc8 = train.net().layer("fc8").params().get(0).blob();
            float[] conv1Before = conv1.download();
            float[] fc8Before = fc8.download();

            double loss = solver.step();

            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "CaffeNet batch 4: loss %.4f after one SGD step, %.1f s including setup%n", loss, seconds);
            // Fresh gaussian fillers give nearly uniform scores over 1000 classes: loss about ln(1000) = 6.91.
            assertThat(loss).isFinite().isBetween(5.0, 9.0);
            assertThat(changed(conv1Before, conv1.download())).as("conv1 learned (the gradient reached the bottom)").isTrue();
            assertThat(changed(fc8Before, fc8.download())).as("fc8 learned").isTrue();
            for (var p : train.net().params()) {
                float[] v = p.blob().count() < 5_000_000 ? p.blob().download() : new float[0];
                for (float x : v) {
                    if (!Float.isFinite(x)) {
                        throw new AssertionError(p.name() + " holds a non-finite value after the step");
                    }
                }
            }
        }
    }

    private static boolean changed(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return true;
            }
        }
        return false;
    }
}
