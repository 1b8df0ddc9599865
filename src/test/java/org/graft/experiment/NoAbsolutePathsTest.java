package org.graft.experiment;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.graft.io.DisplayPaths;
import org.junit.jupiter.api.Test;

/** Issue 12 item 13: reports and logs name paths relative to the working directory; committed results carry none. */
class NoAbsolutePathsTest {
    private static final Pattern MACHINE_PATH = Pattern.compile("(?<![\\w.])/(work|tmp|home|root|Users|var|opt)/[\\w.-]+");

    @Test
    void displayPathsAreRelativeToTheWorkingDirectory() {
        Path cwd = Path.of("").toAbsolutePath();
        assertThat(DisplayPaths.of(cwd.resolve("runs/exp/report.md"))).isEqualTo(Path.of("runs", "exp", "report.md").toString());
        assertThat(DisplayPaths.of(Path.of("runs/exp"))).isEqualTo(Path.of("runs", "exp").toString());
        assertThat(DisplayPaths.of(cwd)).isEqualTo(".");
    }

    @Test
    void committedResultsNameNoMachinePath() throws IOException {
        Path results = Repo.path("docs", "results");
        List<Path> offending;
        try (Stream<Path> files = Files.walk(results)) {
            offending = files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".md") || p.toString().endsWith(".log") || p.toString().endsWith(".txt")
                            || p.toString().endsWith(".csv") || p.toString().endsWith(".json"))
                    .filter(p -> {
                        try {
                            return MACHINE_PATH.matcher(Files.readString(p)).find();
                        } catch (IOException e) {
                            return true;
                        }
                    }).toList();
        }
        assertThat(offending).isEmpty();
    }
}
