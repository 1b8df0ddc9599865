package org.graft.experiment;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** experiment.json: defaults, and a clear message for every kind of bad input, before anything trains. */
class ExperimentLoaderTest {
    @TempDir
    Path dir;

    private Experiment load(String body) throws Exception {
        return ExperimentLoader.load(TransferFixtures.writeExperiment(dir, body));
    }

    private void assertRejected(String body, String... fragments) {
        assertThatThrownBy(() -> load(body)).isInstanceOf(ExperimentException.class).message().contains(fragments).contains("experiment.json");
    }

    @Test
    void defaultsFollowThePaper() throws Exception {
        Experiment e = load("\"splits\": [{\"name\": \"r0\", \"random\": {\"seed\": 5}}]");
        assertThat(e.learnable()).containsExactly("conv1", "fc2", "fc3");
        assertThat(e.numClasses()).isEqualTo(4);
        assertThat(e.n()).containsExactly(1, 2);
        assertThat(e.report().metric()).isEqualTo(Metric.PAPER);
        Split s = e.splits().get(0);
        assertThat(s.kind()).isEqualTo(Split.Kind.SIMILAR);
        assertThat(s.a()).hasSize(2).isSorted();
        assertThat(s.b()).hasSize(2).doesNotContainAnyElementsOf(s.a());
        // Both directions by default: selffers and transfers in each, the bases first.
        assertThat(s.treatments()).startsWith(Treatment.BASE_A, Treatment.BASE_B)
                .contains(Treatment.BNB, Treatment.ANA, Treatment.ANB, Treatment.BNA, Treatment.ANB_PLUS, Treatment.BNA_PLUS, Treatment.BNB_PLUS, Treatment.ANA_PLUS);
        assertThat(e.randomWeights()).isEqualTo(new RandomWeights("r0", Half.B));
        assertThat(e.baseAll()).isFalse();
        // 2 bases + 8 treatments × 2 n + 2 random-weights cells
        assertThat(Planner.cells(e)).hasSize(2 + 16 + 2);
    }

    @Test
    void meanIsSharedByDefaultOrPerHalf() throws Exception {
        String split = "\"splits\": [{\"name\": \"r0\", \"random\": {}}]";
        assertThat(load(split).meanPerHalf()).isFalse();
        assertThat(load(split + ", \"mean\": \"shared\"").meanPerHalf()).isFalse();
        assertThat(load(split + ", \"mean\": \"per_half\"").meanPerHalf()).isTrue();
        assertRejected(split + ", \"mean\": \"each\"", "mean", "\"shared\"", "\"per_half\"", "found \"each\"");
    }

    @Test
    void explicitHalvesAreDissimilarByDefaultAndRunThePapersTreatments() throws Exception {
        Experiment e = load("\"splits\": [{\"name\": \"sem\", \"a\": [0, 2], \"b\": [\"1-1\", 3]}], \"treatments\": [\"baseA\"]");
        Split s = e.splits().get(0);
        assertThat(s.kind()).isEqualTo(Split.Kind.DISSIMILAR);
        assertThat(s.b()).containsExactly(1, 3);
        assertThat(s.treatments()).containsExactly(Treatment.BASE_A, Treatment.BASE_B, Treatment.ANB, Treatment.BNA);
    }

    @Test
    void randomWeightsOnAllClassesAddTheAllClassBase() throws Exception {
        Experiment e = load("\"splits\": [{\"name\": \"r0\", \"random\": {}}], \"treatments\": [\"baseA\", \"random\"], \"random_weights\": {\"target\": \"all\"}");
        assertThat(e.baseAll()).isTrue();
        List<Cell> cells = Planner.cells(e);
        assertThat(cells).extracting(Cell::id).contains("all-baseAll", "all-random1", "all-random2");
        assertThat(cells.stream().filter(c -> c.id().equals("all-random2")).findFirst().orElseThrow().classes()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void classesTheDatasetLacksAreRejected() {
        assertRejected("\"splits\": [{\"name\": \"s\", \"a\": [0, 7], \"b\": [1]}]", "splits[0].a", "class 7 is not in the dataset", "0..3");
    }

    @Test
    void overlappingHalvesAreRejected() {
        assertRejected("\"splits\": [{\"name\": \"s\", \"a\": [0, 1], \"b\": [1, 2]}]", "overlap", "[1]");
    }

    @Test
    void emptyHalvesAreRejected() {
        assertRejected("\"splits\": [{\"name\": \"s\", \"a\": []}]", "half A is empty");
        assertRejected("\"splits\": [{\"name\": \"s\", \"a\": [0, 1, 2, 3]}]", "half B is empty");
    }

    @Test
    void duplicateClassesAreRejected() {
        assertRejected("\"splits\": [{\"name\": \"s\", \"a\": [0, 0], \"b\": [1]}]", "class 0 is listed twice");
    }

    @Test
    void nOutsideOneToLMinusOneIsRejected() {
        assertRejected("\"n\": [1, 3], \"splits\": [{\"name\": \"r\", \"random\": {}}]", "n[1]", "n = 3 is outside 1..2", "L = 3");
        assertRejected("\"n\": [0], \"splits\": [{\"name\": \"r\", \"random\": {}}]", "n = 0 is outside 1..2");
    }

    @Test
    void unknownTreatmentsAndFieldsAreRejected() {
        assertRejected("\"treatments\": [\"baseA\", \"AnC\"], \"splits\": [{\"name\": \"r\", \"random\": {}}]", "unknown treatment \"AnC\"", "AnB+");
        assertRejected("\"splitz\": []", "unknown field \"splitz\"");
        assertRejected("\"splits\": [{\"name\": \"r\", \"random\": {\"sed\": 1}}]", "splits[0].random.sed", "unknown field");
        assertRejected("\"splits\": [{\"name\": \"r\", \"random\": {}, \"a\": [0]}]", "exactly one of");
        assertRejected("\"splits\": [{\"name\": \"r/1\", \"random\": {}}]", "may contain only letters");
        assertRejected("\"splits\": [{\"name\": \"r\", \"random\": {}}, {\"name\": \"r\", \"random\": {}}]", "two splits are called \"r\"");
        assertRejected("\"splits\": [{\"name\": \"r\", \"random\": {}}], \"metric\": \"median\"", "unknown metric");
        assertRejected("\"splits\": []", "at least one split");
    }

    @Test
    void aLastLayerTooSmallForItsClassesIsRejected() {
        assertRejected("\"splits\": [{\"name\": \"r\", \"random\": {}}], \"last_layer_outputs\": 1", "last_layer_outputs", "one output per class");
    }

    @Test
    void aMissingOrBrokenBaseNetIsReportedByName() throws Exception {
        Path exp = dir.resolve("e.json");
        Files.writeString(exp, "{\"net\": \"nope.json\", \"splits\": [{\"name\": \"r\", \"random\": {}}]}");
        assertThatThrownBy(() -> ExperimentLoader.load(exp)).hasMessageContaining("nope.json").hasMessageContaining("does not exist");
        Files.writeString(dir.resolve("bad.json"), "{\"name\": \"x\", \"layers\": []}");
        Files.writeString(exp, "{\"net\": \"bad.json\", \"splits\": [{\"name\": \"r\", \"random\": {}}]}");
        assertThatThrownBy(() -> ExperimentLoader.load(exp)).hasMessageContaining("the base network is invalid");
        Files.writeString(exp, "{\"net\": \"bad.json\", ");
        assertThatThrownBy(() -> ExperimentLoader.load(exp)).hasMessageContaining("malformed JSON");
    }

    @Test
    void thePapersImageNetProfileHasItsExactSplits() {
        Experiment e = ExperimentLoader.load(Repo.path("examples/transfer/imagenet/experiment.json"));
        assertThat(e.numClasses()).isEqualTo(1000);
        assertThat(e.depth()).isEqualTo(8);
        assertThat(e.learnable()).containsExactly("conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8");
        assertThat(e.n()).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(e.lastLayerOutputs()).isEqualTo(1000);
        assertThat(e.meanPerHalf()).as("one mean image per half, as the paper computed").isTrue();
        assertThat(e.report().metric()).isEqualTo(new Metric(Metric.Kind.MEAN_BEST, 10));
        for (int s = 0; s < 4; s++) {
            Split split = e.splits().get(s);
            assertThat(split.kind()).isEqualTo(Split.Kind.SIMILAR);
            assertThat(split.a()).hasSize(500);
            assertThat(ClassSets.encodeBitmask(split.a(), 1000)).isEqualTo(ClassSetsTest.PAPER_MASKS.get(s));
        }
        Split natman = e.splits().get(4);
        assertThat(natman.kind()).isEqualTo(Split.Kind.DISSIMILAR);
        assertThat(natman.aName()).isEqualTo("man-made");
        assertThat(natman.a()).hasSize(551).contains(398, 935, 959, 969, 971, 999).doesNotContain(397, 936, 970, 998);
        assertThat(natman.b()).hasSize(449).contains(0, 397, 936, 958, 970, 972, 998);
        // The paper's solver, unchanged: transfer networks train exactly as long as the bases.
        assertThat(e.schedule().apply(e.baseNet().solver()).maxIter()).isEqualTo(450000);
        assertThat(e.schedule().apply(e.baseNet().solver()).stepsize()).isEqualTo(100000);
        assertThat(e.schedule().apply(e.baseNet().solver()).testInterval()).isEqualTo(1000);
    }

    @Test
    void theFashionMnistProfileLoads() {
        assumeTrue(Files.exists(Path.of("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz")), "Fashion-MNIST is not installed (tools/setup)");
        Experiment e = ExperimentLoader.load(Repo.path("examples/transfer/fashion-mnist/experiment.json"));
        assertThat(e.depth()).isEqualTo(8);
        Split sem = e.split("sem").orElseThrow();
        assertThat(sem.a()).containsExactly(0, 2, 3, 4, 6);
        assertThat(sem.b()).containsExactly(1, 5, 7, 8, 9);
        assertThat(Planner.cells(e)).isNotEmpty();
    }
}
