package org.graft.experiment;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON of an experiment folder bound strictly: every committed experiment.json, plan.json and result.json
 * still reads (and writes back the same content), and every problem names the file, line:column and field.
 */
class ExperimentFilesTest {
    private static final Path COMMITTED_GRID = Repo.path("docs/results/fashion-mnist");

    @TempDir
    Path dir;

    private String rejected(String body) {
        Path file = dir.resolve("experiment.json");
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ExperimentLoader.load(TransferFixtures.writeExperiment(dir, body)));
        assertThat(t).isInstanceOf(ExperimentException.class);
        assertThat(t.getMessage()).startsWith(file.toString() + ":");
        return t.getMessage();
    }

    @Test
    void everyCommittedExperimentLoads() {
        for (String name : List.of("fashion-mnist", "smoke", "imagenet")) {
            Experiment e = ExperimentLoader.load(Repo.path("examples/transfer", name, "experiment.json"));
            assertThat(e.splits()).as(name).isNotEmpty();
        }
        // The grid's own copy names its net relative to where it was planned from; its fields still bind.
        ExperimentFile copy = ExperimentFiles.read(COMMITTED_GRID.resolve("experiment.json"), ExperimentFile.class).value();
        assertThat(copy.metric()).isEqualTo(new ExperimentFile.MetricSpec("mean_best", 2));
        assertThat(copy.splits()).extracting(ExperimentFile.SplitSpec::name).containsExactly("r0", "r1", "sem");
    }

    @Test
    void theCommittedPlanAndResultsReadAndWriteBackTheSameContent() throws Exception {
        Plan plan = PlanStore.read(COMMITTED_GRID);
        assertThat(plan.dir()).isEqualTo(COMMITTED_GRID.toAbsolutePath().normalize());
        assertThat(plan.cells()).hasSize(84);
        assertThat(plan.randomWeights()).isEqualTo(new RandomWeights("r0", Half.B));
        assertThat(plan.report().metric()).isEqualTo(new Metric(Metric.Kind.MEAN_BEST, 2));
        assertThat(tree(ExperimentFiles.json(plan))).isEqualTo(ExperimentFiles.tree(COMMITTED_GRID.resolve(PlanStore.PLAN)));
        for (Cell c : plan.cells()) {
            Path file = plan.cellDir(c).resolve(ResultStore.RESULT);
            CellResult r = ResultStore.read(plan, c.id()).orElseThrow();
            JsonNode committed = ExperimentFiles.tree(file);
            ObjectNode again = ExperimentFiles.MAPPER.valueToTree(r);
            again.set(CellResult.CELL, committed.get(CellResult.CELL));
            again.set(CellResult.NET, committed.get(CellResult.NET));
            assertThat(tree(ExperimentFiles.json(again))).as(c.id()).isEqualTo(committed);
        }
    }

    @Test
    void unknownValuesForNotRunCellsRoundTripAsNaN() throws Exception {
        Plan plan = new Plan(dir, "p", 2, List.of("a", "b"), List.of(1), 2, List.of(), null,
                new ReportOptions(Metric.PAPER, null, 0.002, List.of(new int[] {1, 1}), false), 10, List.of(), null);
        ResultStore.write(plan, CellResult.notRun("x", CellResult.Status.SKIPPED, "its base failed", 7), null, null);
        String text = Files.readString(plan.cellDir("x").resolve(ResultStore.RESULT));
        assertThat(text).contains("\"top1\" : null", "\"status\" : \"skipped\"", "\"cell\" : null");
        CellResult back = ResultStore.read(plan, "x").orElseThrow();
        assertThat(back.finalTop1()).isNaN();
        assertThat(back).isEqualTo(CellResult.notRun("x", CellResult.Status.SKIPPED, "its base failed", 7));
        PlanStore.write(plan);
        assertThat(Files.readString(dir.resolve(PlanStore.PLAN))).doesNotContain("random_weights");
        assertThat(PlanStore.read(dir).report().table1Ranges().get(0)).containsExactly(1, 1);
    }

    @Test
    void anUnknownFieldIsNamedWithItsLineColumnPathAndTheKnownFields() throws Exception {
        Path file = TransferFixtures.writeExperiment(dir, "");
        Files.writeString(file, "{\n  \"net\": \"net.json\",\n  \"splits\": [{\"name\": \"r\",\n     \"random\": {\"sed\": 1}}]\n}\n");
        assertThatThrownBy(() -> ExperimentLoader.load(file)).isInstanceOf(ExperimentException.class)
                .hasMessageStartingWith(file.toAbsolutePath() + ":4:")
                .hasMessageContaining("splits[0].random.sed: unknown field \"sed\"; known fields here: a_size, seed");
    }

    @Test
    void valuesOfTheWrongTypeAreNotCoerced() {
        assertThat(rejected("\"seed\": \"5\", \"splits\": [{\"name\": \"r\", \"random\": {}}]"))
                .contains(":1:", "seed: expected an integer, found \"5\" (a string)");
        assertThat(rejected("\"num_classes\": 2.5, \"splits\": [{\"name\": \"r\", \"random\": {}}]"))
                .contains("num_classes: expected an integer, found 2.5 (a number)");
        assertThat(rejected("\"splits\": [{\"name\": 5, \"random\": {}}]")).contains("splits[0].name: expected a string, found 5 (a number)");
        assertThat(rejected("\"splits\": {\"name\": \"r\"}")).contains("splits: expected a list, found an object");
        assertThat(rejected("\"schedule\": {\"test_initialization\": 1}, \"splits\": [{\"name\": \"r\", \"random\": {}}]"))
                .contains("schedule.test_initialization: expected true or false, found 1 (a number)");
        assertThat(rejected("\"metric\": 5, \"splits\": [{\"name\": \"r\", \"random\": {}}]")).contains("metric: expected an object, found 5");
    }

    @Test
    void classListsNameTheBadItem() {
        assertThat(rejected("\"splits\": [{\"name\": \"s\", \"a\": [0, \"3-1\"]}]")).contains("splits[0].a[1]: range \"3-1\" runs backwards");
        assertThat(rejected("\"splits\": [{\"name\": \"s\", \"a\": [0, -1]}]")).contains("splits[0].a[1]: must be at least 0, found -1");
        assertThat(rejected("\"splits\": [{\"name\": \"s\", \"a\": [0, \"x\"]}]")).contains("splits[0].a[1]: expected an integer, found \"x\" (a string)");
        assertThat(rejected("\"splits\": [{\"name\": \"s\", \"a\": [0, null]}]")).contains("splits[0].a[1]: expected an integer, found null");
    }

    @Test
    void checksAfterBindingPointAtTheValueTheyRefuse() {
        String body = "\"splits\": [{\"name\": \"s\", \"a\": [0, 7], \"b\": [1]}]";
        int column = ("{\"name\": \"tiny\", \"net\": \"net.json\", " + body).indexOf("[0, 7]") + 1;
        assertThat(rejected(body)).contains(":1:" + column + ": splits[0].a: class 7 is not in the dataset");
        assertThat(rejected("\"metric\": {\"type\": \"best\", \"k\": 0}, \"splits\": [{\"name\": \"r\", \"random\": {}}]"))
                .contains("metric.k: must be at least 1, found 0");
        assertThat(rejected("\"splits\": [{\"name\": \"r\", \"random\": {}}], \"splits\": []")).contains("Duplicate field 'splits'");
    }

    @Test
    void aDamagedPlanIsReportedWithItsPosition() throws Exception {
        Files.copy(COMMITTED_GRID.resolve(PlanStore.PLAN), dir.resolve(PlanStore.PLAN));
        Path file = dir.resolve(PlanStore.PLAN);
        Files.writeString(file, Files.readString(file).replace("\"treatment\" : \"baseA\"", "\"treatment\" : \"baseQ\""));
        assertThatThrownBy(() -> PlanStore.read(dir)).isInstanceOf(ExperimentException.class)
                .hasMessageContaining(PlanStore.PLAN + ":")
                .hasMessageContaining("cells[0].treatment: unknown treatment \"baseQ\"");
        Files.writeString(file, Files.readString(file).replace("baseQ", "baseA").replace("\"depth\" : 8", "\"depth\" : 8, \"width\" : 3"));
        assertThatThrownBy(() -> PlanStore.read(dir)).hasMessageContaining(":3:")
                .hasMessageContaining("width: unknown field \"width\"; known fields here: cells, chop_points, depth, learnable, max_iter, n, name, num_classes,"
                        + " random_weights, report, splits");
    }

    private static JsonNode tree(String json) throws Exception {
        return ExperimentFiles.MAPPER.readTree(json);
    }
}
