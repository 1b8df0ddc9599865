package org.graft.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.graft.layers.Phase;
import org.graft.net.config.InitConfig;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.ParamSpec;
import org.graft.ops.batchnorm.BatchNormLayer;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.NetConfigWriter;
import org.graft.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chop points: the default (none named) plans the committed grid of docs/results (the same cells, seeds,
 * cell.json byte for byte and the same networks in net.json); naming the
 * learnable layers gives the same plan; blocks copy exactly what their output depends on; every bad chop
 * point is refused with the file, line and a message naming the layer.
 */
class ChopPointsTest {
    private static final Path COMMITTED_GRID = Repo.path("docs/results/fashion-mnist");
    private static final Path FASHION = Repo.path("examples/transfer/fashion-mnist/experiment.json");

    @TempDir
    Path dir;

    private static void assumeFashionMnist() {
        assumeTrue(Files.exists(Path.of("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz")), "Fashion-MNIST is not installed (tools/setup)");
    }

    @Test
    void theDefaultPlansTheCommittedGrid() throws Exception {
        assumeFashionMnist();
        Experiment e = ExperimentLoader.load(FASHION);
        assertThat(e.chopPointsNamed()).isFalse();
        Plan plan = Planner.plan(e, dir.resolve("grid"), false, null);
        // As a tree: the committed file was written by an older Jackson field order (ExperimentFilesTest does the same).
        assertThat(ExperimentFiles.tree(plan.dir().resolve(PlanStore.PLAN))).isEqualTo(ExperimentFiles.tree(COMMITTED_GRID.resolve(PlanStore.PLAN)));
        assertThat(plan.cells()).hasSize(84);
        for (Cell c : plan.cells()) {
            Path committed = COMMITTED_GRID.resolve("cells").resolve(c.id());
            assertThat(Files.readString(plan.cellDir(c).resolve("cell.json"))).as(c.id()).isEqualTo(Files.readString(committed.resolve("cell.json")));
            // The same network; net.json's text follows the writer of the day (field order, defaults written out).
            assertThat(inItsFolder(plan.cellDir(c))).as(c.id()).isEqualTo(inItsFolder(committed));
        }
    }

    /**
     * A cell's net.json as loaded, with the paths into its own folder made relative to it again, written by
     * today's writer. The committed files were written when the writer left out a bias filler equal to Caffe's
     * default (constant 0), which the base net spells out and today's writer keeps: that one difference is removed.
     */
    private static String inItsFolder(Path cellDir) {
        NetConfig n = NetConfigLoader.load(cellDir.resolve("net.json"));
        n = n.withSolver(n.solver().toBuilder().snapshotPrefix(cellDir.relativize(n.solver().snapshotPrefix())).build());
        String json = NetConfigWriter.toJson(n.init() == null ? n : n.withInit(new InitConfig(cellDir.relativize(n.init().weights()))));
        return json.replaceAll(",\\s*\"bias_filler\": \\{\\s*\"type\": \"constant\",\\s*\"value\": 0\\s*\\}", "");
    }

    @Test
    void namingTheLearnableLayersAsChopPointsGivesTheSamePlan() throws Exception {
        assumeFashionMnist();
        Path exp = dir.resolve("experiment.json");
        String text = Files.readString(FASHION).replace("\"net\": \"net.json\"",
                "\"net\": \"" + Repo.path("examples/transfer/fashion-mnist/net.json") + "\", \"chop_points\": [\"conv1\", \"conv2\", {\"layer\": \"conv3\"},"
                        + " {\"name\": \"c4\", \"layers\": [\"conv4\"]}, {\"name\": \"c5\", \"prefix\": \"conv5\"}, \"fc6\", \"fc7\"]");
        Files.writeString(exp, text);
        Experiment named = ExperimentLoader.load(exp);
        assertThat(named.chopPointsNamed()).isTrue();
        assertThat(named.depth()).isEqualTo(8);
        Plan a = Planner.plan(ExperimentLoader.load(FASHION), dir.resolve("default"), false, null);
        Plan b = Planner.plan(named, dir.resolve("named"), false, null);
        assertThat(b.cells()).isEqualTo(a.cells());
        assertThat(b.chopPoints()).containsExactly("conv1", "conv2", "conv3", "c4", "c5", "fc6", "fc7");
        for (Cell c : a.cells()) {
            for (String file : List.of("net.json", "cell.json")) {
                assertThat(Files.readString(b.cellDir(c).resolve(file))).as("%s/%s", c.id(), file)
                        .isEqualTo(Files.readString(a.cellDir(c).resolve(file)));
            }
        }
    }

    /**
     * The tiny net (conv1, relu1, pool1, fc2, relu2, fc3) with a side classifier on pool1 before fc3; with
     * {@code join}, the side branch rejoins the main path (a loss reading fc3 and side: a shortcut over fc2).
     */
    private Path branchy(String chopPoints) throws Exception {
        return branchy(chopPoints, false);
    }

    private Path branchy(String chopPoints, boolean join) throws Exception {
        Path exp = TransferFixtures.writeExperiment(dir, "\"splits\": [{\"name\": \"r0\", \"random\": {\"seed\": 3}}], " + chopPoints);
        Path net = dir.resolve("net.json");
        String side = """
                {"name": "side", "type": "InnerProduct", "bottom": ["pool1"], "top": ["side"],
                 "inner_product_param": {"num_output": 4, "weight_filler": {"type": "xavier"}}},
                {"name": "side_loss", "type": "SoftmaxWithLoss", "bottom": ["side", "label"], "top": ["side_loss"]},
                {"name": "fc3\"""";
        String text = Files.readString(net).replace("{\"name\": \"fc3\"", side);
        if (join) {
            text = text.replace("{\"name\": \"accuracy\"", "{\"name\": \"join\", \"type\": \"SoftmaxWithLoss\", \"bottom\": [\"fc3\", \"side\"], \"top\": [\"join\"]},\n"
                    + "{\"name\": \"accuracy\"");
        }
        Files.writeString(net, text);
        return exp;
    }

    @Test
    void aBlockCopiesWhatItsOutputDependsOn() throws Exception {
        Experiment e = ExperimentLoader.load(branchy("\"chop_points\": [{\"name\": \"stem\", \"prefix\": \"pool\"}, \"relu2\"]"));
        assertThat(e.chopPoints()).containsExactly(new ChopPoint("stem", List.of("conv1")), new ChopPoint("relu2", List.of("conv1", "fc2")));
        assertThat(e.learnable()).containsExactly("conv1", "fc2", "side", "fc3");
        assertThat(e.n()).containsExactly(1, 2);
        Plan p = Planner.plan(e, dir.resolve("grid"), false, null);
        NetConfig a2b = NetConfigLoader.load(p.cellDir("r0-A2B").resolve("net.json"));
        assertThat(a2b.layers()).extracting(LayerConfig::name)
                .contains("conv1", "fc2", "side-new", "fc3-new").doesNotContain("side", "fc3", "fc2-new");
    }

    @Test
    void aFrozenCopyFreezesBatchNormStatisticsAndAFineTunedOneKeepsBatchStatistics() throws Exception {
        Path exp = TransferFixtures.writeExperiment(dir, "\"splits\": [{\"name\": \"r0\", \"random\": {\"seed\": 3}}], \"directions\": \"one\","
                + " \"treatments\": [\"baseA\", \"baseB\", \"AnB\", \"AnB+\", \"random\"], \"chop_points\": [{\"name\": \"stem\", \"layer\": \"relu1\"}]");
        Path net = dir.resolve("net.json");
        Files.writeString(net, Files.readString(net).replace("{\"name\": \"relu1\"",
                "{\"name\": \"bn1\", \"type\": \"BatchNorm\", \"bottom\": [\"conv1\"], \"top\": [\"conv1\"]},\n"
                        + "{\"name\": \"scale1\", \"type\": \"Scale\", \"bottom\": [\"conv1\"], \"top\": [\"conv1\"], \"scale_param\": {\"bias_term\": true}},\n"
                        + "{\"name\": \"relu1\""));
        Experiment e = ExperimentLoader.load(exp);
        assertThat(e.copied(1)).containsExactly("conv1", "bn1", "scale1");
        Plan p = Planner.plan(e, dir.resolve("grid"), false, null);
        NetConfig frozen = NetConfigLoader.load(p.cellDir("r0-A1B").resolve("net.json"));
        assertThat(layer(frozen, "bn1").settings(BatchNormLayer.Spec.class).useGlobalStats()).isTrue();
        assertThat(layer(frozen, "bn1").param()).containsOnly(ParamSpec.of(0, 0));
        assertThat(layer(frozen, "scale1").param()).containsExactly(ParamSpec.of(0, 0), ParamSpec.of(0, 0));
        NetConfig tuned = NetConfigLoader.load(p.cellDir("r0-A1B+").resolve("net.json"));
        assertThat(layer(tuned, "bn1").settings(BatchNormLayer.Spec.class).useGlobalStats()).isNull();
        assertThat(layer(tuned, "scale1").param()).isEmpty();
        // The random-weights control copies no statistics: its BatchNorm keeps the batch's, its Scale is frozen.
        NetConfig random = NetConfigLoader.load(p.cellDir("r0-random1B").resolve("net.json"));
        assertThat(layer(random, "bn1").settings(BatchNormLayer.Spec.class).useGlobalStats()).isNull();
        assertThat(layer(random, "scale1").param()).containsExactly(ParamSpec.of(0, 0), ParamSpec.of(0, 0));
        // Base networks and the fresh layers above the cut are untouched.
        assertThat(layer(NetConfigLoader.load(p.cellDir("r0-baseA").resolve("net.json")), "bn1").settings(BatchNormLayer.Spec.class)
                .useGlobalStats()).isNull();
        assertThat(frozen.layers()).extracting(LayerConfig::name).contains("fc2-new", "fc3-new");
    }

    @Test
    void anInceptionBlockIsCutAtItsConcatNotInsideIt() throws Exception {
        String inception = """
                {"name": "inc/1x1", "type": "Convolution", "bottom": ["pool1"], "top": ["inc/1x1"],
                 "convolution_param": {"num_output": 2, "kernel_size": 1, "weight_filler": {"type": "xavier"}}},
                {"name": "inc/3x3", "type": "Convolution", "bottom": ["pool1"], "top": ["inc/3x3"],
                 "convolution_param": {"num_output": 2, "kernel_size": 3, "pad": 1, "weight_filler": {"type": "xavier"}}},
                {"name": "inc/output", "type": "Concat", "bottom": ["inc/1x1", "inc/3x3"], "top": ["inc/output"]},
                {"name": "fc2", "type": "InnerProduct", "bottom": ["inc/output"],""";
        String splits = "\"splits\": [{\"name\": \"r0\", \"random\": {\"seed\": 3}}], ";
        Path exp = TransferFixtures.writeExperiment(dir, splits + "\"chop_points\": [\"pool1\", {\"name\": \"inc\", \"prefix\": \"inc/\"}]");
        Path net = dir.resolve("net.json");
        String text = Files.readString(net).replace("{\"name\": \"fc2\", \"type\": \"InnerProduct\", \"bottom\": [\"pool1\"],", inception);
        Files.writeString(net, text);
        Experiment e = ExperimentLoader.load(exp);
        assertThat(e.chopPoints()).containsExactly(new ChopPoint("pool1", List.of("conv1")), new ChopPoint("inc", List.of("conv1", "inc/1x1", "inc/3x3")));

        Files.writeString(exp, Files.readString(exp).replace("{\"name\": \"inc\", \"prefix\": \"inc/\"}", "\"inc/3x3\""));
        Throwable t = catchThrowable(() -> ExperimentLoader.load(exp));
        assertThat(t).isInstanceOf(ExperimentException.class).hasMessageContaining("chop_points[1]: the cut at chop point \"inc/3x3\" is not clean:"
                + " layer 'inc/1x1' reads blob 'pool1' of layer 'pool1', which is below the cut, and its path joins the layers above the cut at layer 'inc/output'");
    }

    private static LayerConfig layer(NetConfig n, String name) {
        return n.layer(name, Phase.TRAIN).orElseThrow(() -> new AssertionError("no layer " + name));
    }

    private String refused(String chopPoints) throws Exception {
        return refused(chopPoints, false);
    }

    private String refused(String chopPoints, boolean join) throws Exception {
        Path exp = branchy(chopPoints, join);
        Throwable t = catchThrowable(() -> ExperimentLoader.load(exp));
        assertThat(t).isInstanceOf(ExperimentException.class);
        assertThat(t.getMessage()).startsWith(exp + ":");
        return t.getMessage();
    }

    @Test
    void badChopPointsAreRefusedNamingTheLayer() throws Exception {
        assertThat(refused("\"chop_points\": [\"pool1\", \"fc2\"]", true)).contains("chop_points[1]: the cut at chop point \"fc2\" is not clean: layer 'side'",
                "reads blob 'pool1' of layer 'pool1'", "joins the layers above the cut at layer 'join'", "the block's output 'fc2'");
        assertThat(refused("\"chop_points\": [\"conv1\", \"fc_2\"]")).contains(":1:", "chop_points[1]: unknown layer \"fc_2\"", "(did you mean \"fc2\"?)");
        assertThat(refused("\"chop_points\": [{\"name\": \"b\", \"layers\": [\"conv1\", \"pol1\"]}]"))
                .contains("chop_points[0].layers[1]: unknown layer \"pol1\"", "did you mean \"pool1\"");
        assertThat(refused("\"chop_points\": [{\"prefix\": \"cnv\"}]")).contains("chop_points[0].prefix: no layer of the TRAIN net starts with \"cnv\"",
                "did you mean \"con\"");
        assertThat(refused("\"chop_points\": [\"fc2\", \"conv1\"]")).contains("chop_points[1]: chop point \"conv1\" does not contain chop point \"fc2\"");
        assertThat(refused("\"chop_points\": [\"conv1\", \"pool1\"]")).contains("chop_points[1]: chop point \"pool1\" copies the same layers as \"conv1\"");
        assertThat(refused("\"chop_points\": [\"fc3\"]")).contains("includes the last layer with weights 'fc3'");
        assertThat(refused("\"chop_points\": [\"data\"]")).contains("chop point \"data\" holds no layer with weights");
        assertThat(refused("\"chop_points\": []")).contains("chop_points: the list is empty");
        assertThat(refused("\"chop_points\": [{\"name\": \"x\", \"layer\": \"conv1\", \"prefix\": \"conv\"}]")).contains("give exactly one of");
        assertThat(refused("\"chop_points\": [{\"layers\": [\"conv1\"]}]")).contains("chop_points[0].name: missing");
        assertThat(refused("\"chop_points\": [{\"name\": \"b\", \"layers\": [\"fc2\", \"side\"]}]"))
                .contains("layer 'fc2' of chop point \"b\" does not feed the block's output 'side'");
        assertThat(refused("\"chop_points\": [\"conv1\", \"conv1\"]")).contains("two chop points are called \"conv1\"");
        assertThat(refused("\"chop_points\": [{\"name\": \"b\", \"layerz\": [\"conv1\"]}]")).contains("unknown field \"layerz\"");
        assertThat(refused("\"chop_points\": [\"pool1\"], \"n\": [2]")).contains("n[0]: n = 2 is outside 1..1 (the experiment names 1 chop points");
    }
}
