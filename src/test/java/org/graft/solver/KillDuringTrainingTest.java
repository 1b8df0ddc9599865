package org.graft.solver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.graft.caffe.CaffeFiles;
import org.graft.testing.TinyProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a training child process while it snapshots at every iteration, then checks that every snapshot
 * left behind loads: writes are atomic (temporary file, then rename), so a kill never leaves a torn file.
 */
class KillDuringTrainingTest {
    @TempDir
    Path dir;

    @Test
    void snapshotsSurviveAKillAtAnyMoment() throws Exception {
        Path net = TinyProblem.write(dir, ", \"max_iter\": 100000, \"snapshot\": 1, \"test_interval\": 0, \"test_iter\": 0", "");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "org.graft.cli.Main",
                "train", net.toString(), "--no-cache", "--backend", System.getProperty("graft.backend", "jocl")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        Path snaps = dir.resolve("snap");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // Wait until several snapshots exist, then kill without warning (SIGKILL).
        while (System.nanoTime() < deadline && count(snaps, ".solverstate") < 8 && p.isAlive()) {
            Thread.sleep(50);
        }
        assertThat(p.isAlive()).as("trainer still running; its output: %s", Files.exists(dir.resolve("out.txt"))
                ? Files.readString(dir.resolve("out.txt")) : "").isTrue();
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        int checked = 0;
        try (var files = Files.list(snaps)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".caffemodel")) {
                    assertThat(CaffeFiles.readNet(f).getLayerCount()).as(name).isPositive();
                    checked++;
                } else if (name.endsWith(".solverstate")) {
                    assertThat(CaffeFiles.readSolverState(f).getHistoryCount()).as(name).isPositive();
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(16);
    }

    private static long count(Path dir, String suffix) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var s = Files.list(dir)) {
            return s.filter(f -> f.toString().endsWith(suffix)).count();
        }
    }
}
