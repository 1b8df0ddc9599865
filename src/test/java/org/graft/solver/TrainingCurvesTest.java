package org.graft.solver;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.graft.net.config.NetConfigLoader;
import org.graft.testing.CliRun;
import org.graft.testing.TestEngines;
import org.graft.testing.TinyProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 12: train draws its curves next to the CSV log; plot overlays several logs. */
class TrainingCurvesTest {
    @TempDir
    Path dir;

    @Test
    void trainWritesACurvesPngNextToTheLogAndPlotOverlaysRuns() throws Exception {
        Path net = TinyProblem.write(dir, ", \"max_iter\": 10, \"test_interval\": 5, \"test_iter\": 1", "");
        new Trainer(TestEngines.get(), NetConfigLoader.load(net), Trainer.Options.defaults(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        Path log = dir.resolve("snap/tiny_log.csv");
        Path png = dir.resolve("snap/tiny_curves.png");
        assertThat(TrainingCurves.pngFor(log)).isEqualTo(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(900);
        TrainingCurves.Curve c = TrainingCurves.read(log);
        assertThat(c.top1().getItemCount()).isEqualTo(3); // iterations 0, 5, 10
        assertThat(c.trainLoss().getItemCount()).isPositive();

        Path other = dir.resolve("other_log.csv");
        Files.copy(log, other);
        Path out = dir.resolve("curves.png");
        CliRun r = CliRun.run("plot", log.toString(), other.toString(), "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Wrote " + out, "2 log(s)");
        assertThat(ImageIO.read(out.toFile()).getHeight()).isEqualTo(800);
    }

    @Test
    void plotRefusesAFileThatIsNotATrainingLogNamingTheLine() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, TrainLog.HEADER + "\ntrain,5,x,,,,,,\n");
        Path out = dir.resolve("curves.png");
        CliRun r = CliRun.run("plot", bad.toString(), "-o", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("bad.csv:2").doesNotContain("\tat ");
        assertThat(out).doesNotExist();
        CliRun dirArg = CliRun.run("plot", dir.toString(), "-o", out.toString());
        assertThat(dirArg.err()).contains("is a directory, not a file");
    }
}
