package org.graft.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.layers.Phase;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.ParamSpec;
import org.graft.ops.batchnorm.BatchNormLayer;
import org.graft.testing.Repo;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer on a residual net (examples/transfer/resnet-fashion): the stages' chop points copy every layer
 * their output depends on (BatchNorm and Scale included), a cut inside a residual block is refused, and the
 * smoke grid (smoke.json: two chop points, baseA, baseB, AnB, AnB+) trains end to end on Fashion-MNIST with
 * frozen blocks, their BatchNorm statistics included, equal to the base bit for bit.
 */
class ResNetTransferTest {
    private static final Path EXAMPLE = Repo.path("examples/transfer/resnet-fashion");
    private static final List<String> STEM = List.of("conv1", "bn_conv1", "scale_conv1");
    private static final List<String> RES2 = List.of("res2a_branch2a", "bn2a_branch2a", "scale2a_branch2a", "res2a_branch2b", "bn2a_branch2b",
            "scale2a_branch2b");
    private static final List<String> RES3 = List.of("res3a_branch1", "bn3a_branch1", "scale3a_branch1", "res3a_branch2a", "bn3a_branch2a",
            "scale3a_branch2a", "res3a_branch2b", "bn3a_branch2b", "scale3a_branch2b");

    @TempDir
    Path dir;

    @BeforeEach
    void needsFashionMnist() {
        assumeTrue(Files.exists(Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")), "Fashion-MNIST is not installed (tools/setup)");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void stagesCopyEveryLayerTheirOutputDependsOn() {
        Experiment e = ExperimentLoader.load(EXAMPLE.resolve("experiment.json"));
        assertThat(e.chopPoints()).extracting(ChopPoint::name).containsExactly("stem", "res2", "res3", "res4");
        assertThat(e.n()).containsExactly(1, 2, 3, 4);
        assertThat(e.copied(1)).isEqualTo(STEM);
        assertThat(e.copied(2)).isEqualTo(concat(STEM, RES2));
        assertThat(e.copied(3)).isEqualTo(concat(concat(STEM, RES2), RES3));
        assertThat(e.copied(4)).hasSize(e.learnable().size() - 1).doesNotContain("fc");
    }

    private String refused(String chopPoints) throws Exception {
        Path exp = dir.resolve("experiment.json");
        Files.writeString(exp, "{\"net\": \"" + EXAMPLE.resolve("net.json") + "\", \"splits\": [{\"name\": \"r0\", \"random\": {\"seed\": 0}}],\n"
                + "\"chop_points\": " + chopPoints + "}");
        Throwable t = catchThrowable(() -> ExperimentLoader.load(exp));
        assertThat(t).isInstanceOf(ExperimentException.class);
        assertThat(t.getMessage()).startsWith(exp + ":2:");
        return t.getMessage();
    }

    @Test
    void aCutInsideAResidualBlockIsRefused() throws Exception {
        assertThat(refused("[\"res2a\", \"res3a_branch2a\"]")).contains("chop_points[1]: the cut at chop point \"res3a_branch2a\" is not clean:"
                + " layer 'res3a_branch1' reads blob 'res2a' of layer 'res2a_relu', which is below the cut, and its path joins the layers above the cut"
                + " at layer 'res3a'");
        // A residual branch alone is not a clean cut either: the shortcut joins it at res2a.
        assertThat(refused("[\"res2a_branch2b\"]")).contains("layer 'res2a' reads blob 'conv1' of layer 'conv1_relu'");
        assertThat(refused("[\"res3a_brnch1\"]")).contains("chop_points[0]: unknown layer \"res3a_brnch1\"", "did you mean \"res3a_branch1\"");
        assertThat(refused("[{\"name\": \"s\", \"prefix\": \"rez\"}]")).contains("chop_points[0].prefix: no layer", "did you mean \"res\"");
    }

    @Test
    void smokeGridTrainsEveryCellAndFreezesBatchNormStatistics() throws Exception {
        Experiment exp = ExperimentLoader.load(EXAMPLE.resolve("smoke.json"));
        Plan plan = Planner.plan(exp, dir, false, null);
        assertThat(plan.cells()).extracting(Cell::id).containsExactly("r0-baseA", "r0-baseB", "r0-A1B", "r0-A2B", "r0-A1B+", "r0-A2B+");

        // Frozen copies normalise with the base's statistics; fine-tuned ones keep batch statistics; fresh layers are renamed.
        NetConfig a1b = NetConfigLoader.load(plan.cellDir("r0-A1B").resolve("net.json"));
        assertThat(layer(a1b, "bn2a_branch2b").settings(BatchNormLayer.Spec.class).useGlobalStats()).isTrue();
        assertThat(layer(a1b, "scale2a_branch2b").param()).containsOnly(ParamSpec.of(0, 0));
        assertThat(layer(a1b, "bn3a_branch1-new").settings(BatchNormLayer.Spec.class).useGlobalStats()).isNull();
        assertThat(layer(a1b, "res3a_branch1-new").param()).containsExactly(ParamSpec.of(1, 1));
        NetConfig a1bPlus = NetConfigLoader.load(plan.cellDir("r0-A1B+").resolve("net.json"));
        assertThat(layer(a1bPlus, "bn2a_branch2b").settings(BatchNormLayer.Spec.class).useGlobalStats()).isNull();
        assertThat(layer(a1bPlus, "res2a_branch2a").param()).containsExactly(ParamSpec.of(1, 1));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        int trained = new GridRunner(plan, out).run(List.of("test"), w -> TestEngines.get(), false);
        ReportWriter.write(plan, plan.report(), out);
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(trained).as(text).isEqualTo(plan.cells().size());
        for (Cell c : plan.cells()) {
            CellResult r = ResultStore.read(plan, c.id()).orElseThrow();
            assertThat(r.status()).as("%s: %s", c.id(), r.reason()).isEqualTo(CellResult.Status.DONE);
            assertThat(r.iterations()).isEqualTo(20);
            assertThat(r.curve()).as(c.id()).extracting(CellResult.CurvePoint::iter).containsExactly(10, 20);
            assertThat(r.finalTop1()).as(c.id()).isBetween(0.0, 1.0);
            // Sane, not good: 20 iterations. Chance is 0.2 and ln 5 = 1.61 for a 5-class half; the loss has not blown up.
            assertThat(r.finalLoss()).as(c.id()).isFinite().isLessThan(2 * Math.log(c.classes().size()));
            if (c.treatment().group() == Treatment.Group.BASE) {
                assertThat(r.accuracy(plan.report().metric())).as(c.id()).isGreaterThan(1.5 / c.classes().size());
            }
        }

        // The frozen blocks, BatchNorm statistics included, are the base's bit for bit; fine-tuned ones moved.
        Map<String, List<WeightBlob>> base = weights(plan, "r0-baseA");
        Map<String, List<WeightBlob>> frozen = weights(plan, "r0-A2B");
        for (String layer : concat(concat(STEM, RES2), RES3)) {
            for (int b = 0; b < base.get(layer).size(); b++) {
                assertThat(bits(frozen.get(layer).get(b).data())).as("r0-A2B %s blob %d", layer, b).isEqualTo(bits(base.get(layer).get(b).data()));
            }
        }
        assertThat(frozen).containsKeys("res4a_branch1-new", "bn4a_branch1-new", "fc-new").doesNotContainKey("res4a_branch1");
        Map<String, List<WeightBlob>> tuned = weights(plan, "r0-A1B+");
        assertThat(Arrays.equals(tuned.get("bn_conv1").get(0).data(), base.get("bn_conv1").get(0).data())).as("fine-tuned statistics update").isFalse();
        assertThat(Arrays.equals(tuned.get("conv1").get(0).data(), base.get("conv1").get(0).data())).as("fine-tuned conv1 learns").isFalse();

        assertThat(Files.readString(dir.resolve(ReportWriter.REPORT))).contains("2 chop points (res2, res3)", "6 planned, 6 finished");
    }

    private static LayerConfig layer(NetConfig n, String name) {
        return n.layer(name, Phase.TRAIN).orElseThrow(() -> new AssertionError("no layer " + name));
    }

    private static Map<String, List<WeightBlob>> weights(Plan plan, String cell) {
        Path model = plan.cellDir(cell).resolve(CellNets.modelFile(plan.maxIter()));
        return CaffeWeights.byLayer(CaffeFiles.readNet(model), model.toString());
    }

    private static int[] bits(float[] x) {
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Float.floatToRawIntBits(x[i]);
        }
        return out;
    }
}
