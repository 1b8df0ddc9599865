package org.graft.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a {@code transfer run} child process in the middle of the grid (SIGKILL, no warning), then runs the
 * grid again: it finishes every cell, and the cells finished before the kill are not trained again (their
 * result files keep their bytes and modification times, and their attempts.log has one start).
 */
class ResumeAfterKillTest {
    @TempDir
    Path dir;

    @Test
    void aKilledRunResumesWithoutRedoingFinishedCells() throws Exception {
        String grid = "\"splits\": [{\"name\": \"r0\", \"random\": {\"seed\": 2}}], \"n\": [1, 2], "
                + "\"treatments\": [\"baseA\", \"baseB\", \"BnB\", \"BnB+\", \"AnB\", \"AnB+\"], \"schedule\": {\"max_iter\": 30, \"tests\": 3}";
        Plan plan = Planner.plan(ExperimentLoader.load(TransferFixtures.writeExperiment(dir, grid)), dir.resolve("grid"), false, null);
        int total = plan.cells().size();
        assertThat(total).isEqualTo(18);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"), "org.graft.cli.Main", "transfer", "run",
                plan.dir().toString(), "--no-report", "--no-cache", "--backend", System.getProperty("graft.backend", "jocl"));
        Path out = dir.resolve("child.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (System.nanoTime() < deadline && finished(plan) < 4 && p.isAlive()) {
            Thread.sleep(100);
        }
        assertThat(p.isAlive()).as("the child run should still be busy; its output: %s", Files.readString(out)).isTrue();
        p.destroyForcibly();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        Map<String, byte[]> before = new HashMap<>();
        Map<String, FileTime> times = new HashMap<>();
        for (Cell c : plan.cells()) {
            Path r = plan.cellDir(c).resolve(ResultStore.RESULT);
            if (Files.exists(r)) {
                before.put(c.id(), Files.readAllBytes(r));
                times.put(c.id(), Files.getLastModifiedTime(r));
                assertThat(ResultStore.read(plan, c.id()).orElseThrow().done()).as("a complete result for %s", c.id()).isTrue();
            }
        }
        assertThat(before.size()).isBetween(4, total - 1);

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        GridRunner again = new GridRunner(plan, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(again.pendingAtStart()).isEqualTo(total - before.size());
        int trained = again.run(List.of("w"), w -> TestEngines.get(), false);
        assertThat(trained).as(log.toString(StandardCharsets.UTF_8)).isEqualTo(total - before.size());

        List<String> redone = new ArrayList<>();
        for (Cell c : plan.cells()) {
            Path r = plan.cellDir(c).resolve(ResultStore.RESULT);
            assertThat(ResultStore.read(plan, c.id()).orElseThrow().done()).as(c.id()).isTrue();
            if (before.containsKey(c.id())) {
                if (!Arrays.equals(Files.readAllBytes(r), before.get(c.id())) || !Files.getLastModifiedTime(r).equals(times.get(c.id()))
                        || Files.readAllLines(plan.cellDir(c).resolve("attempts.log")).size() != 1) {
                    redone.add(c.id());
                }
            }
        }
        assertThat(redone).as("finished cells trained again").isEmpty();
    }

    private static long finished(Plan plan) {
        return plan.cells().stream().filter(c -> ResultStore.exists(plan, c.id())).count();
    }
}
