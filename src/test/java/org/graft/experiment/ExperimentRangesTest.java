package org.graft.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 items 4 and 9: every range in an experiment.json is bounded by what it ranges over. */
class ExperimentRangesTest {
    @TempDir
    Path dir;

    private Experiment load(String body) throws Exception {
        return ExperimentLoader.load(TransferFixtures.writeExperiment(dir, body));
    }

    @Test
    void aClassRangePastTheClassCountIsRefusedBeforeItIsExpanded() {
        // A range is bounded before it is expanded (no heap filled with two billion integers) ...
        assertThatThrownBy(() -> load("\"splits\": [{\"name\": \"s\", \"a\": [\"0-2147483646\"]}]"))
                .isInstanceOf(ExperimentException.class).hasMessageContaining("0-2147483646").hasMessageContaining("splits[0].a[0]")
                .hasMessageContaining("one range may hold");
        assertThatThrownBy(() -> load("\"splits\": [{\"name\": \"s\", \"a\": [\"0-99999999999999999999\"]}]"))
                .isInstanceOf(ExperimentException.class).hasMessageContaining("too large for a class number")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("For input string"));
        // ... and a small range past the dataset's classes is refused against the class count.
        assertThatThrownBy(() -> load("\"splits\": [{\"name\": \"s\", \"a\": [\"0-20\"]}]"))
                .isInstanceOf(ExperimentException.class).hasMessageContaining("splits[0].a").hasMessageContaining("not in the dataset");
    }

    @Test
    void metricKBeyondTheNumberOfTestsIsRefused() throws Exception {
        assertThat(load("\"splits\": [{\"name\": \"r\", \"random\": {}}], \"metric\": {\"type\": \"mean_best\", \"k\": 3}")
                .report().metric().k()).isEqualTo(3);
        assertThatThrownBy(() -> load("\"splits\": [{\"name\": \"r\", \"random\": {}}], \"metric\": {\"type\": \"mean_best\", \"k\": 500}"))
                .isInstanceOf(ExperimentException.class).hasMessageContaining("metric.k = 500").hasMessageContaining("must lie in [1, ");
    }

    @Test
    void anInfiniteOrOutOfRangeToleranceIsRefused() {
        assertThatThrownBy(() -> load("\"splits\": [{\"name\": \"r\", \"random\": {}}], \"report\": {\"tolerance\": 1e999}"))
                .isInstanceOf(ExperimentException.class).hasMessageContaining("tolerance").hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> load("\"splits\": [{\"name\": \"r\", \"random\": {}}], \"report\": {\"min_tolerance\": 2}"))
                .isInstanceOf(ExperimentException.class).hasMessageContaining("min_tolerance");
    }
}
