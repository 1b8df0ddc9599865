package org.graft.experiment;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the smoke profile (examples/transfer/smoke: every treatment, both directions, a dissimilar split and
 * random weights on all classes, on a small Fashion-MNIST subset) and checks its outputs' structure and
 * sanity: a result per cell, frozen layers bit-identical to their base, fine-tuned ones not, results.csv
 * complete, the figures real PNGs, the report with every finding.
 */
class SmokeExperimentTest {
    @TempDir
    Path dir;

    @Test
    void smokeProfileRunsEveryTreatmentAndReportsSanely() throws Exception {
        assumeTrue(Files.exists(Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")), "Fashion-MNIST is not installed (tools/setup)");
        Experiment exp = ExperimentLoader.load(Repo.path("examples/transfer/smoke/experiment.json"));
        Plan plan = Planner.plan(exp, dir, false, null);
        assertThat(plan.cells().stream().map(Cell::treatment).distinct()).containsExactlyInAnyOrder(Treatment.values());

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        int trained = new GridRunner(plan, out).run(List.of("test"), w -> TestEngines.get(), false);
        ReportWriter.write(plan, plan.report(), out);
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(trained).as(text).isEqualTo(plan.cells().size());

        for (Cell c : plan.cells()) {
            CellResult r = ResultStore.read(plan, c.id()).orElseThrow();
            assertThat(r.status()).as("%s: %s", c.id(), r.reason()).isEqualTo(CellResult.Status.DONE);
            assertThat(r.curve()).as(c.id()).extracting(CellResult.CurvePoint::iter).containsExactly(10, 20, 30, 40);
            assertThat(r.finalTop1()).as(c.id()).isBetween(0.0, 1.0);
            assertThat(r.iterations()).isEqualTo(40);
            assertThat(Files.readAllLines(plan.cellDir(c).resolve("attempts.log"))).hasSize(1);
            if (c.treatment().group() == Treatment.Group.BASE || c.treatment() == Treatment.BASE_ALL) {
                // Five (or ten) classes: chance is 0.2 (0.1); 40 iterations already learn far more.
                assertThat(r.accuracy(plan.report().metric())).as(c.id()).isGreaterThan(1.5 / c.classes().size());
            }
        }

        // Frozen layers are the base network's, bit for bit; fine-tuned ones moved.
        assertFrozen(plan, "r0-A2B", "r0-baseA", List.of("conv1", "conv2"));
        assertFrozen(plan, "r0-B3B", "r0-baseB", List.of("conv1", "conv2", "fc3"));
        assertFrozen(plan, "sem-B1A", "sem-baseB", List.of("conv1"));
        Map<String, List<WeightBlob>> ft = weights(plan, "r0-A2B+");
        Map<String, List<WeightBlob>> baseA = weights(plan, "r0-baseA");
        assertThat(Arrays.equals(ft.get("conv1").get(0).data(), baseA.get("conv1").get(0).data())).as("fine-tuned conv1 learns").isFalse();
        assertThat(weights(plan, "r0-A2B").keySet()).containsExactlyInAnyOrder("conv1", "conv2", "fc3-new", "fc4-new");

        List<String> csv = Files.readAllLines(dir.resolve(ReportWriter.CSV));
        assertThat(csv).hasSize(plan.cells().size() + 1);
        assertThat(csv.get(0)).startsWith("cell,split,split_kind,treatment,group,n,");
        for (Cell c : plan.cells()) {
            assertThat(csv).anyMatch(l -> l.startsWith(c.id() + ",") && l.contains(",done,"));
        }
        assertPng(dir.resolve(ReportWriter.FIGURE2), 1200, 1300);
        assertPng(dir.resolve(ReportWriter.FIGURE3), 1400, 1100);
        String md = Files.readString(dir.resolve(ReportWriter.REPORT));
        assertThat(md).contains("![Figure 2](figure2.png)", "![Figure 3](figure3.png)", "## Table 1", "Welch");
        for (String section : List.of("4.1 (1)", "4.1 (2)", "4.1 (3)", "4.1 (4)", "4.1 (5)", "4.2", "4.3")) {
            assertThat(md).contains("### " + section);
        }
        assertThat(md).containsPattern("38 planned, 38 finished");
    }

    private static Map<String, List<WeightBlob>> weights(Plan plan, String cell) {
        Path model = plan.cellDir(cell).resolve(CellNets.modelFile(plan.maxIter()));
        return CaffeWeights.byLayer(CaffeFiles.readNet(model), model.toString());
    }

    private static void assertFrozen(Plan plan, String cell, String base, List<String> layers) {
        Map<String, List<WeightBlob>> a = weights(plan, cell);
        Map<String, List<WeightBlob>> b = weights(plan, base);
        for (String layer : layers) {
            for (int blob = 0; blob < 2; blob++) {
                float[] x = a.get(layer).get(blob).data();
                float[] y = b.get(layer).get(blob).data();
                assertThat(x.length).isEqualTo(y.length);
                for (int i = 0; i < x.length; i++) {
                    assertThat(Float.floatToRawIntBits(x[i])).as("%s %s blob %d [%d] vs %s", cell, layer, blob, i, base)
                            .isEqualTo(Float.floatToRawIntBits(y[i]));
                }
            }
        }
    }

    private static void assertPng(Path file, int width, int height) throws Exception {
        byte[] head = Arrays.copyOf(Files.readAllBytes(file), 8);
        assertThat(head).containsExactly((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G', (byte) 0x0d, (byte) 0x0a, (byte) 0x1a, (byte) 0x0a);
        BufferedImage img = ImageIO.read(file.toFile());
        assertThat(img.getWidth()).isEqualTo(width);
        assertThat(img.getHeight()).isEqualTo(height);
    }
}
