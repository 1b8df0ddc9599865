package org.graft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.graft.testing.CliRun;
import org.graft.testing.Repo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tune NET}: every GEMM shape of a training iteration is timed (or taken from the cache) and shown
 * with its winner; a second run takes the cleanly timed shapes from the cache, --force re-times them.
 * Which kernel wins is timing and is never asserted; where each row came from is logic and is.
 */
class TuneCommandTest {
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

    private static String[] tune(String... extra) {
        String[] base = {"tune", Repo.arg("examples/fashion-mnist/net.json"), "--batch", "2", "--backend", BACKEND};
        String[] out = new String[base.length + extra.length];
        System.arraycopy(base, 0, out, 0, base.length);
        System.arraycopy(extra, 0, out, base.length, extra.length);
        return out;
    }

    @Test
    void tablesEveryShapeAndTheSecondRunTakesCleanWinnersFromTheCache() {
        String first = run(tune());
        assertThat(first).contains("GEMM shape", "winner", "GFLOP/s", "runner-up", "ratio");
        Map<String, String> firstRows = rows(first);
        assertThat(firstRows).isNotEmpty();
        assertThat(firstRows.values()).allMatch(from -> from.startsWith("timed now"));
        assertThat(Files.isDirectory(cache.resolve("tuning"))).isTrue();

        Map<String, String> second = rows(run(tune()));
        assertThat(second.keySet()).containsExactlyElementsOf(firstRows.keySet());
        firstRows.forEach((shape, from) -> {
            if (from.equals("timed now")) {
                assertThat(second.get(shape)).as("a cleanly timed winner comes from the cache: " + shape).isEqualTo("cache");
            } else {
                assertThat(second.get(shape)).as("a winner not cached the first time is timed again: " + shape).startsWith("timed now");
            }
        });

        Map<String, String> forced = rows(run(tune("--force")));
        assertThat(forced.keySet()).containsExactlyElementsOf(firstRows.keySet());
        assertThat(forced.values()).as("--force re-times every shape").allMatch(from -> from.startsWith("timed now"));
    }

    @Test
    void refusedWithTuningOffAsAClearError() {
        CliRun r = CliRun.run(tune("--no-tune"));
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("'tune' times GEMM kernels").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void missingNetIsAClearError() {
        CliRun r = CliRun.run("tune", cache.resolve("absent.json").toString(), "--backend", BACKEND);
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("absent.json").doesNotContain("\tat ");
    }

    /** Shape → the "from" column of the table. */
    private static Map<String, String> rows(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.matches("[NT][NT] m\\d+ .*")) {
                String[] columns = line.trim().split(" {2,}"); // shape, winner, ms, GFLOP/s, runner-up, ratio, from
                m.put(columns[0], columns[columns.length - 1]);
            }
        }
        return m;
    }

    private static String run(String... args) {
        CliRun r = CliRun.run(args);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        return r.out();
    }
}
