package org.graft.experiment;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.graft.cli.Main;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A diverging cell fails with its reason and the grid goes on; run-cell, several workers, and the Slurm task mode. */
class GridFaultsTest {
    @TempDir
    Path dir;

    private static final String GRID = "\"splits\": [{\"name\": \"r0\", \"random\": {\"seed\": 1}}], \"directions\": \"one\", \"n\": [1], "
            + "\"treatments\": [\"baseA\", \"baseB\", \"BnB\", \"AnB\"], \"schedule\": {\"max_iter\": 20, \"tests\": 2}, \"metric\": \"final\"";

    private Plan plan() throws Exception {
        return Planner.plan(ExperimentLoader.load(TransferFixtures.writeExperiment(dir, GRID)), dir.resolve("grid"), false, null);
    }

    private static String backend() {
        return System.getProperty("graft.backend", "jocl");
    }

    @Test
    void aDivergingBaseFailsWithItsReasonItsDependantsAreSkippedAndTheRestRuns() throws Exception {
        Plan plan = plan();
        Path baseA = plan.cellDir("r0-baseA").resolve("net.json");
        Files.writeString(baseA, Files.readString(baseA).replace("\"base_lr\": 0.05", "\"base_lr\": 1.0E30"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        new GridRunner(plan, out).run(List.of("w"), w -> TestEngines.get(), false);
        ReportWriter.write(plan, plan.report(), out);

        CellResult a = ResultStore.read(plan, "r0-baseA").orElseThrow();
        assertThat(a.status()).isEqualTo(CellResult.Status.FAILED);
        assertThat(a.reason()).contains("diverged");
        CellResult a1b = ResultStore.read(plan, "r0-A1B").orElseThrow();
        assertThat(a1b.status()).isEqualTo(CellResult.Status.SKIPPED);
        assertThat(a1b.reason()).contains("r0-baseA", "failed");
        assertThat(plan.cellDir("r0-A1B").resolve("attempts.log")).doesNotExist();
        assertThat(ResultStore.read(plan, "r0-baseB").orElseThrow().done()).isTrue();
        assertThat(ResultStore.read(plan, "r0-B1B").orElseThrow().done()).isTrue();
        assertThat(Files.readString(plan.dir().resolve(ReportWriter.REPORT))).contains("`r0-baseA`: failed: diverged", "`r0-A1B`: skipped");
        assertThat(Files.readAllLines(plan.dir().resolve(ReportWriter.CSV))).anyMatch(l -> l.startsWith("r0-A1B,") && l.contains(",skipped,"));

        // Nothing is left to do; a second run trains nothing.
        assertThat(new GridRunner(plan, out).run(List.of("w"), w -> TestEngines.get(), false)).isZero();
        assertThat(Files.readAllLines(plan.cellDir("r0-baseA").resolve("attempts.log"))).hasSize(1);
    }

    @Test
    void runCellRunsOneCellAndWaitsForItsBase() throws Exception {
        Plan plan = plan();
        String d = plan.dir().toString();
        assertThat(Main.run("transfer", "run-cell", d, "r0-A1B", "--backend", backend(), "--no-cache")).isEqualTo(3);
        assertThat(ResultStore.exists(plan, "r0-A1B")).isFalse();
        assertThat(Main.run("transfer", "run-cell", d, "0", "--backend", backend(), "--no-cache")).isZero();
        assertThat(ResultStore.read(plan, plan.cells().get(0).id()).orElseThrow().done()).isTrue();
        assertThat(Main.run("transfer", "run-cell", d, "0", "--backend", backend(), "--no-cache")).isZero();
        assertThat(Files.readAllLines(plan.cellDir(plan.cells().get(0)).resolve("attempts.log"))).hasSize(1);
        assertThat(Main.run("transfer", "run-cell", d, "nope", "--backend", backend())).isEqualTo(1);
    }

    @Test
    void twoWorkersShareTheGridAndTheSlurmTaskRunsItsLine() throws Exception {
        Plan plan = plan();
        // Stage 1, line 1 (array index 0) through the Slurm script's task mode, as a job array task would.
        String firstOfStage1 = Files.readAllLines(plan.dir().resolve("stage-1.txt")).get(0);
        String itsBase = plan.cell(firstOfStage1).orElseThrow().depends().get(0);
        assertThat(Main.run("transfer", "run-cell", plan.dir().toString(), itsBase, "--backend", backend(), "--no-cache")).isZero();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder("bash", Repo.arg("tools/slurm-transfer.sh"), "task", plan.dir().toString(), plan.dir().resolve("stage-1.txt").toString());
        pb.environment().put("SLURM_ARRAY_TASK_ID", "0");
        pb.environment().put("GRAFT_CMD", java + " -cp " + System.getProperty("java.class.path") + " org.graft.cli.Main");
        pb.environment().put("GRAFT_OPTS", "--backend " + backend() + " --no-cache");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("slurm.out").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(dir.resolve("slurm.out"));
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("runs cell " + firstOfStage1);
        assertThat(ResultStore.read(plan, firstOfStage1).orElseThrow().done()).isTrue();

        // The rest with two workers on the same device, through the command line.
        assertThat(Main.run("transfer", "run", plan.dir().toString(), "--devices", "0,0", "--device-type", "any", "--backend", backend(), "--no-cache"))
                .isZero();
        List<String> missing = new ArrayList<>();
        for (Cell c : plan.cells()) {
            if (!ResultStore.read(plan, c.id()).map(CellResult::done).orElse(false)) {
                missing.add(c.id());
            }
            assertThat(Files.readAllLines(plan.cellDir(c).resolve("attempts.log"))).as(c.id()).hasSize(1);
        }
        assertThat(missing).isEmpty();
        assertThat(plan.dir().resolve(ReportWriter.REPORT)).exists();
    }
}
