package org.graft.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.graft.net.config.NetConfigLoader;
import org.graft.testing.TestEngines;
import org.graft.testing.TinyProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 items 9 and 10: out-of-range options are refused; a resumed run cleans up after the killed one. */
class TrainerRangesTest {
    @TempDir
    Path dir;

    private String train(Path net, Trainer.Options options) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Trainer(TestEngines.get(), NetConfigLoader.load(net), options, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aNegativeMaxIterAndAResumeAtOrBeyondMaxIterAreRefused() throws Exception {
        Path net = TinyProblem.write(dir, ", \"max_iter\": 4, \"snapshot\": 2, \"test_interval\": 0, \"test_iter\": 0", "");
        assertThatThrownBy(() -> train(net, new Trainer.Options(null, null, -1, null, false)))
                .hasMessageContaining("--max-iter must lie in [1, 2147483647], got -1");
        train(net, Trainer.Options.defaults());
        Path state = dir.resolve("snap/tiny_iter_4.solverstate");
        byte[] before = Files.readAllBytes(dir.resolve("snap/tiny_iter_4.caffemodel"));
        assertThatThrownBy(() -> train(net, new Trainer.Options(null, state, null, null, false)))
                .hasMessageContaining("iteration 4, not below max_iter 4");
        assertThatThrownBy(() -> train(net, new Trainer.Options(null, state, 3, null, false)))
                .hasMessageContaining("iteration 4, not below max_iter 3");
        assertThat(Files.readAllBytes(dir.resolve("snap/tiny_iter_4.caffemodel"))).isEqualTo(before);
    }

    @Test
    void resumingRemovesStaleTemporariesAndTruncatesTheLogToTheResumedIteration() throws Exception {
        Path net = TinyProblem.write(dir, ", \"max_iter\": 8, \"snapshot\": 4, \"test_interval\": 4, \"test_iter\": 1", "");
        train(net, Trainer.Options.defaults());
        List<String> full = Files.readAllLines(dir.resolve("snap/tiny_log.csv"));
        // As if killed during the snapshot at 8, after logging iteration 5: a half-written temp file.
        Path stale = dir.resolve("snap/.tiny_iter_8.caffemodel.3fa9c01d.tmp");
        Files.write(stale, new byte[1000]);
        Path unrelated = dir.resolve("snap/.other_iter_8.caffemodel.3fa9c01d.tmp");
        Files.write(unrelated, new byte[10]);
        String out = train(net, new Trainer.Options(null, dir.resolve("snap/tiny_iter_4.solverstate"), null, null, false));
        assertThat(out).contains("Removed 1 temporary file(s)").contains(".tiny_iter_8.caffemodel.3fa9c01d.tmp");
        assertThat(stale).doesNotExist();
        assertThat(unrelated).exists();
        List<String> resumed = Files.readAllLines(dir.resolve("snap/tiny_log.csv"));
        // Same rows as the uninterrupted run (elapsed times and speeds differ): no iteration twice.
        assertThat(resumed.stream().map(l -> l.split(",")[0] + "," + l.split(",")[1]).toList())
                .isEqualTo(full.stream().map(l -> l.split(",")[0] + "," + l.split(",")[1]).toList());
    }
}
