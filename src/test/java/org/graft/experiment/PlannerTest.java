package org.graft.experiment;

import org.graft.ops.innerproduct.InnerProductLayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.graft.layers.Phase;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.ParamSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cells' net.json files use the paper's mechanisms: copy by name, lr_mult 0 to freeze, "-new" to re-initialise. */
class PlannerTest {
    @TempDir
    Path dir;

    private Plan plan(String body) throws Exception {
        Experiment e = ExperimentLoader.load(TransferFixtures.writeExperiment(dir, body));
        return Planner.plan(e, dir.resolve("grid"), false, null);
    }

    private static NetConfig net(Plan p, String cell) {
        return NetConfigLoader.load(p.cellDir(cell).resolve("net.json"));
    }

    private static LayerConfig layer(NetConfig n, String name) {
        return n.layer(name, Phase.TRAIN).orElseThrow(() -> new AssertionError("no layer " + name));
    }

    private static final String GRID = "\"splits\": [{\"name\": \"r0\", \"random\": {\"seed\": 3}}], \"directions\": \"one\", "
            + "\"treatments\": [\"baseA\", \"baseB\", \"BnB\", \"BnB+\", \"AnB\", \"AnB+\", \"random\"], \"schedule\": {\"max_iter\": 30, \"tests\": 3}";

    @Test
    void frozenTransferCopiesByNameFreezesAndRenamesTheRest() throws Exception {
        Plan p = plan(GRID);
        NetConfig a1b = net(p, "r0-A1B");
        assertThat(layer(a1b, "conv1").param()).containsExactly(ParamSpec.of(0, 0), ParamSpec.of(0, 0));
        assertThat(layer(a1b, "fc2-new").param()).isEmpty();
        assertThat(layer(a1b, "fc3-new").settings(InnerProductLayer.Spec.class).numOutput()).isEqualTo(2);
        assertThat(a1b.init().weights()).isEqualTo(p.cellDir("r0-baseA").resolve("model_iter_30.caffemodel"));
        Split s = p.splits().get(0);
        assertThat(layer(a1b, "data").dataParam().classes()).isEqualTo(s.b());
        assertThat(a1b.layer("data", Phase.TEST).orElseThrow().dataParam().classes()).isEqualTo(s.b());
        assertThat(a1b.solver().maxIter()).isEqualTo(30);
        assertThat(a1b.solver().testInterval()).isEqualTo(10);
        assertThat(a1b.solver().randomSeed()).isEqualTo(p.cell("r0-A1B").orElseThrow().seed());
        assertThat(a1b.solver().snapshotPrefix()).isEqualTo(p.cellDir("r0-A1B").resolve("model"));
    }

    @Test
    void fineTunedCopyKeepsTheMultipliers() throws Exception {
        Plan p = plan(GRID);
        NetConfig b2b = net(p, "r0-B2B+");
        assertThat(layer(b2b, "conv1").param()).containsExactly(ParamSpec.of(1, 1), ParamSpec.of(2, 0));
        assertThat(layer(b2b, "fc2").param()).isEmpty();
        assertThat(layer(b2b, "fc3-new").param()).isEmpty();
        assertThat(b2b.init().weights()).isEqualTo(p.cellDir("r0-baseB").resolve("model_iter_30.caffemodel"));
        assertThat(layer(b2b, "data").dataParam().classes()).isEqualTo(p.splits().get(0).b());
    }

    @Test
    void baseAndRandomWeightCellsCopyNothing() throws Exception {
        Plan p = plan(GRID);
        NetConfig base = net(p, "r0-baseA");
        assertThat(base.init()).isNull();
        assertThat(layer(base, "conv1").param()).containsExactly(ParamSpec.of(1, 1), ParamSpec.of(2, 0));
        assertThat(layer(base, "data").dataParam().classes()).isEqualTo(p.splits().get(0).a());
        NetConfig rnd = net(p, "r0-random2B");
        assertThat(rnd.init()).isNull();
        assertThat(layer(rnd, "conv1").param()).containsExactly(ParamSpec.of(0, 0), ParamSpec.of(0, 0));
        assertThat(layer(rnd, "fc2").param()).containsExactly(ParamSpec.of(0, 0), ParamSpec.of(0, 0));
        assertThat(layer(rnd, "fc3").param()).isEmpty();
    }

    @Test
    void thePlanListsCellsInDependencyOrderWithStages() throws Exception {
        Plan p = plan(GRID);
        List<String> cells = Files.readAllLines(p.dir().resolve("cells.txt"));
        assertThat(cells).hasSize(p.cells().size()).hasSize(2 + 4 * 2 + 2);
        assertThat(cells.indexOf("r0-baseA")).isLessThan(cells.indexOf("r0-A1B"));
        assertThat(Files.readAllLines(p.dir().resolve("stage-0.txt"))).containsExactlyInAnyOrder("r0-baseA", "r0-baseB", "r0-random1B", "r0-random2B");
        assertThat(Files.readAllLines(p.dir().resolve("stage-1.txt"))).hasSize(8).allMatch(c -> !c.contains("base"));
        Plan read = PlanStore.read(p.dir());
        assertThat(read.cells()).isEqualTo(p.cells());
        assertThat(read.splits()).isEqualTo(p.splits());
        assertThat(p.cells().stream().map(Cell::seed).distinct().count()).isEqualTo(p.cells().size());
        assertThat(p.dir().resolve("experiment.json")).exists();
        assertThat(Files.readString(p.cellDir("r0-A2B+").resolve("cell.json"))).contains("\"depends\" : [ \"r0-baseA\" ]", "copied, fine-tuned");
    }

    @Test
    void replanningKeepsResultsAndRefusesToSilentlyChangeFinishedCells() throws Exception {
        Plan p = plan(GRID);
        Path result = p.cellDir("r0-baseA").resolve(ResultStore.RESULT);
        ResultStore.write(p, CellResult.notRun("r0-baseA", CellResult.Status.FAILED, "test", 1), null, null);
        Experiment same = ExperimentLoader.load(dir.resolve("experiment.json"));
        Planner.plan(same, dir.resolve("grid"), false, null);
        assertThat(result).exists();
        Files.writeString(dir.resolve("experiment.json"), Files.readString(dir.resolve("experiment.json")).replace("\"max_iter\": 30", "\"max_iter\": 40"));
        Experiment changed = ExperimentLoader.load(dir.resolve("experiment.json"));
        assertThatThrownBy(() -> Planner.plan(changed, dir.resolve("grid"), false, null)).hasMessageContaining("r0-baseA").hasMessageContaining("--replan");
        assertThat(result).exists();
        Planner.plan(changed, dir.resolve("grid"), true, null);
        assertThat(result).doesNotExist();
    }

    @Test
    void theReportOfAnUnrunPlanListsEveryCellAndClaimsNothing() throws Exception {
        Plan p = plan(GRID);
        ReportWriter.write(p, p.report(), null);
        List<String> csv = Files.readAllLines(p.dir().resolve(ReportWriter.CSV));
        assertThat(csv).hasSize(p.cells().size() + 1);
        assertThat(csv.subList(1, csv.size())).allMatch(l -> l.contains(",not_run,"));
        String md = Files.readString(p.dir().resolve(ReportWriter.REPORT));
        assertThat(md).contains("0 finished", "not run yet").doesNotContain("| **reproduced**", "**not reproduced**");
        assertThat(p.dir().resolve(ReportWriter.FIGURE2)).isNotEmptyFile();
        assertThat(p.dir().resolve(ReportWriter.FIGURE3)).isNotEmptyFile();
    }

    @Test
    void anAccuracyLayerWhoseTopKExceedsTheHalfIsDropped() throws Exception {
        Path net = TransferFixtures.writeNet(dir);
        Files.writeString(net, Files.readString(net).replace(
                "{\"name\": \"loss\"", "{\"name\": \"top3\", \"type\": \"Accuracy\", \"bottom\": [\"fc3\", \"label\"], \"top\": [\"top3\"], "
                        + "\"include\": [{\"phase\": \"TEST\"}], \"accuracy_param\": {\"top_k\": 3}}, {\"name\": \"loss\""));
        Files.writeString(dir.resolve("experiment.json"), "{\"net\": \"net.json\", \"splits\": [{\"name\": \"r\", \"random\": {}}], \"treatments\": [\"baseA\"]}");
        Plan p = Planner.plan(ExperimentLoader.load(dir.resolve("experiment.json")), dir.resolve("grid"), false, null);
        assertThat(net(p, "r-baseA").layer("top3", Phase.TEST)).isEmpty();
        assertThat(net(p, "r-baseA").layer("accuracy", Phase.TEST)).isPresent();
    }
}
