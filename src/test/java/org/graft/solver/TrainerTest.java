package org.graft.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.testing.TestEngines;
import org.graft.testing.TinyProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path dir;

    private Trainer.Result train(Path net, Trainer.Options options, ByteArrayOutputStream log) {
        NetConfig cfg = NetConfigLoader.load(net);
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        return new Trainer(TestEngines.get(), cfg, options, out).run();
    }

    private static Map<String, List<WeightBlob>> weights(Path model) {
        return CaffeWeights.byLayer(CaffeFiles.readNet(model), model.toString());
    }

    private static void assertBitIdentical(Map<String, List<WeightBlob>> a, Map<String, List<WeightBlob>> b) {
        assertThat(a.keySet()).isEqualTo(b.keySet());
        for (String layer : a.keySet()) {
            for (int i = 0; i < a.get(layer).size(); i++) {
                float[] x = a.get(layer).get(i).data();
                float[] y = b.get(layer).get(i).data();
                assertThat(x.length).isEqualTo(y.length);
                for (int j = 0; j < x.length; j++) {
                    assertThat(Float.floatToRawIntBits(x[j])).as("%s blob %d [%d]", layer, i, j).isEqualTo(Float.floatToRawIntBits(y[j]));
                }
            }
        }
    }

    @Test
    void learnsTheTinyProblemAndWritesSnapshotsAndLog() throws Exception {
        Path net = TinyProblem.write(dir, ", \"max_iter\": 60, \"snapshot\": 30, \"test_iter\": 3, \"test_interval\": 20", "");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Result r = train(net, Trainer.Options.defaults(), log);
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("Iteration 0/60", "images/s", "ETA", "Test at iteration 20", "Final test: top-1 =");
        // Three well-separated stripe patterns: chance is 1/3; a working engine gets far above it.
        assertThat(r.finalTop1()).isGreaterThan(0.8);
        assertThat(dir.resolve("snap/tiny_iter_30.caffemodel")).exists();
        assertThat(dir.resolve("snap/tiny_iter_30.solverstate")).exists();
        assertThat(dir.resolve("snap/tiny_iter_60.caffemodel")).exists();
        List<String> csv = Files.readAllLines(dir.resolve("snap/tiny_log.csv"));
        assertThat(csv.get(0)).isEqualTo(TrainLog.HEADER);
        assertThat(csv).anyMatch(l -> l.startsWith("test,60,"));
        assertThat(csv).anyMatch(l -> l.startsWith("train,5,"));
    }

    @Test
    void resumedRunIsBitIdenticalToUninterruptedRun() throws Exception {
        Path net = TinyProblem.write(dir, ", \"max_iter\": 40, \"snapshot\": 15, \"test_interval\": 0, \"test_iter\": 0", "");
        train(net, Trainer.Options.defaults(), new ByteArrayOutputStream());
        Map<String, List<WeightBlob>> uninterrupted = weights(dir.resolve("snap/tiny_iter_40.caffemodel"));
        // "Interrupt" after iteration 15 by resuming from that snapshot in a fresh trainer.
        Files.delete(dir.resolve("snap/tiny_iter_40.caffemodel"));
        Trainer.Result r = train(net, new Trainer.Options(null, dir.resolve("snap/tiny_iter_15.solverstate"), null, null, false),
                new ByteArrayOutputStream());
        assertThat(r.iterations()).isEqualTo(40);
        assertBitIdentical(weights(dir.resolve("snap/tiny_iter_40.caffemodel")), uninterrupted);
    }

    @Test
    void frozenLayerKeepsItsLoadedWeightsBitForBit() throws Exception {
        Path base = TinyProblem.write(dir, ", \"max_iter\": 10, \"test_interval\": 0, \"test_iter\": 0", "");
        train(base, Trainer.Options.defaults(), new ByteArrayOutputStream());
        Path baseModel = dir.resolve("snap/tiny_iter_10.caffemodel");
        Path frozenDir = Files.createDirectories(dir.resolve("frozen"));
        Path frozen = TinyProblem.write(frozenDir, ", \"max_iter\": 30, \"test_interval\": 0, \"test_iter\": 0",
                "\"param\": [{\"lr_mult\": 0, \"decay_mult\": 0}, {\"lr_mult\": 0, \"decay_mult\": 0}],");
        train(frozen, new Trainer.Options(baseModel, null, null, 99L, false), new ByteArrayOutputStream());
        Map<String, List<WeightBlob>> before = weights(baseModel);
        Map<String, List<WeightBlob>> after = weights(frozenDir.resolve("snap/tiny_iter_30.caffemodel"));
        assertBitIdentical(Map.of("conv1", after.get("conv1")), Map.of("conv1", before.get("conv1")));
        assertThat(after.get("fc3").get(0).data()).isNotEqualTo(before.get("fc3").get(0).data());
    }

    @Test
    void divergingLossStopsWithTheIterationAndKeepsTheLastSnapshot() throws Exception {
        Path net = TinyProblem.write(dir, ", \"max_iter\": 200, \"snapshot\": 2, \"test_interval\": 0, \"test_iter\": 0", "");
        String text = Files.readString(net).replace("\"base_lr\": 0.05", "\"base_lr\": 1e7");
        Files.writeString(net, text);
        assertThatThrownBy(() -> train(net, Trainer.Options.defaults(), new ByteArrayOutputStream()))
                .isInstanceOf(DivergedException.class)
                .hasMessageContaining("at iteration")
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("newest snapshot with finite weights", "No snapshot with finite weights"));
        // Whatever snapshots were written before the divergence still load.
        try (var files = Files.list(dir.resolve("snap"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".caffemodel")).toList()) {
                assertThat(CaffeFiles.readNet(p).getLayerCount()).isPositive();
            }
        }
    }

    @Test
    void weightsWithMismatchedShapesAreRefusedBeforeTraining() throws Exception {
        Path net = TinyProblem.write(dir, ", \"max_iter\": 2, \"test_interval\": 0, \"test_iter\": 0", "");
        train(net, Trainer.Options.defaults(), new ByteArrayOutputStream());
        Path other = Files.createDirectories(dir.resolve("other"));
        Path wider = TinyProblem.write(other, ", \"max_iter\": 2, \"test_interval\": 0, \"test_iter\": 0", "");
        Files.writeString(wider, Files.readString(wider).replace("\"num_output\": 6", "\"num_output\": 8"));
        assertThatThrownBy(() -> train(wider, new Trainer.Options(dir.resolve("snap/tiny_iter_2.caffemodel"), null, null, null, false),
                new ByteArrayOutputStream()))
                .hasMessageContaining("conv1")
                .hasMessageContaining("rename the layer");
    }
}
