package org.graft.cli;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.graft.testing.CliRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command with tuning on (the default outside the test suite): the first run times the GEMM shapes
 * and writes the tuning and program caches; the second start takes both from disk and compiles and
 * times nothing.
 */
class TuningCliTest {
    private static final String BACKEND = System.getProperty("graft.backend", "jocl");

    @TempDir
    Path cache;

    @BeforeEach
    void tuningOnWithPrivateCache() {
        System.setProperty("graft.tune", "on");
        System.setProperty("graft.cache", cache.toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("graft.tune");
        System.clearProperty("graft.cache");
    }

    @Test
    void secondStartReusesTunedShapesAndCompiledPrograms() throws IOException {
        String[] args = {"time", Repo.arg("examples/fashion-mnist/net.json"), "--batch", "2", "--iterations", "1", "--backend", BACKEND};
        String first = run(args);
        assertThat(first).containsPattern("GEMM tuning: 0 shape\\(s\\) from the tuning cache, [1-9]\\d* timed now")
                .containsPattern("0 from the disk cache, [1-9]\\d* compiled");
        List<Path> tuning = files(cache.resolve("tuning"));
        assertThat(tuning).hasSize(1);
        String stored = Files.readString(tuning.get(0));

        // A winner whose timing other load disturbed is not cached (GemmTuner's share check): it is timed again.
        int disturbed = (int) first.lines().filter(l -> l.contains("used now but not cached")).count();
        String second = run(args);
        assertThat(second).containsPattern("GEMM tuning: [1-9]\\d* shape\\(s\\) from the tuning cache, " + disturbed + " timed now")
                .containsPattern("from the disk cache, 0 compiled");
        if (disturbed == 0) {
            assertThat(Files.readString(tuning.get(0))).as("nothing re-tuned, nothing rewritten").isEqualTo(stored);
        }
    }

    @Test
    void noTuneLeavesNoTuningCache() throws IOException {
        String out = run("time", Repo.arg("examples/fashion-mnist/net.json"), "--batch", "2", "--iterations", "1", "--backend", BACKEND, "--no-tune");
        assertThat(out).contains("Prepared: ").doesNotContain("GEMM tuning");
        assertThat(Files.exists(cache.resolve("tuning"))).isFalse();
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).toList();
        }
    }

    private static String run(String... args) {
        CliRun r = CliRun.run(args);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        return r.out();
    }
}
