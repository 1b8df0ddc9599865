package org.graft.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.CaffeWeights.LayerBlobs;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.caffe.proto.Caffe.SolverState;
import org.graft.net.config.NetConfigLoader;
import org.graft.testing.CliRun;
import org.graft.testing.TestEngines;
import org.graft.testing.TinyProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 2: NaN / infinite numbers are never scored, trained on or resumed from silently. */
class NonFiniteTest {
    @TempDir
    Path dir;

    private Path net;

    private Trainer.Result train(Trainer.Options options) {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new Trainer(TestEngines.get(), NetConfigLoader.load(net), options, out).run();
    }

    /** Trains 4 iterations (snapshot at 2 and 4) and returns a copy of the last model with fc3's weights NaN. */
    private Path nanModel() throws Exception {
        net = TinyProblem.write(dir, ", \"max_iter\": 4, \"snapshot\": 2, \"test_iter\": 1, \"test_interval\": 0", "");
        train(Trainer.Options.defaults());
        Path good = dir.resolve("snap/tiny_iter_4.caffemodel");
        Map<String, List<WeightBlob>> byLayer = CaffeWeights.byLayer(CaffeFiles.readNet(good), good.toString());
        List<LayerBlobs> layers = new ArrayList<>();
        for (Map.Entry<String, List<WeightBlob>> e : byLayer.entrySet()) {
            List<WeightBlob> blobs = new ArrayList<>(e.getValue());
            if (e.getKey().equals("fc3")) {
                float[] w = blobs.get(0).data().clone();
                java.util.Arrays.fill(w, Float.NaN);
                w[1] = Float.POSITIVE_INFINITY;
                blobs.set(0, new WeightBlob(blobs.get(0).shape(), w, false));
            }
            layers.add(new LayerBlobs(e.getKey(), "", blobs));
        }
        Path bad = dir.resolve("nan.caffemodel");
        CaffeFiles.writeNet(bad, CaffeWeights.toNet("tiny", layers));
        return bad;
    }

    @Test
    void nanWeightsAreRefusedByTestAndTrainUnlessAllowedAndThenScoreZero() throws Exception {
        Path bad = nanModel();
        CliRun refused = CliRun.run("test", net.toString(), "--weights", bad.toString(), "--iterations", "2");
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("layer 'fc3' blob 0 (weights)").contains("NaN").contains("1 infinite")
                .contains("--allow-nonfinite").doesNotContain("\tat ");
        CliRun allowed = CliRun.run("test", net.toString(), "--weights", bad.toString(), "--iterations", "2", "--allow-nonfinite");
        assertThat(allowed.code()).isZero();
        assertThat(allowed.err()).contains("warning:").contains("layer 'fc3' blob 0");
        assertThat(allowed.out()).contains("top-1 = 0.00%").doesNotContain("100.00%");
        assertThatThrownBy(() -> train(new Trainer.Options(bad, null, null, null, false)))
                .hasMessageContaining("layer 'fc3' blob 0").hasMessageContaining("--allow-nonfinite");
    }

    @Test
    void aSolverStateWithNanHistoryIsRefusedAtResumeBeforeAnythingIsWritten() throws Exception {
        nanModel();
        Path state = dir.resolve("snap/tiny_iter_2.solverstate");
        SolverState st = CaffeFiles.readSolverState(state);
        WeightBlob h = CaffeWeights.decode(st.getHistory(3), "h");
        float[] v = h.data().clone();
        v[0] = Float.NaN;
        CaffeFiles.writeSolverState(state, st.toBuilder().setHistory(3, CaffeWeights.encode(h.shape(), v)).build());
        byte[] snapshot4 = Files.readAllBytes(dir.resolve("snap/tiny_iter_4.caffemodel"));
        assertThatThrownBy(() -> train(new Trainer.Options(null, state, null, null, false)))
                .hasMessageContaining("tiny_iter_2.solverstate").hasMessageContaining("history blob 3").hasMessageContaining("1 NaN");
        assertThat(Files.readAllBytes(dir.resolve("snap/tiny_iter_4.caffemodel"))).isEqualTo(snapshot4);
    }

    @Test
    void theDivergenceMessageNamesACheckedSnapshotAndGuessesNoCauseTheLossesDoNotShow() throws Exception {
        Path bad = nanModel();
        // NaN weights from the start (allowed on purpose): the loss is NaN at once, it never rose.
        DivergedException e = org.junit.jupiter.api.Assertions.assertThrows(DivergedException.class,
                () -> train(new Trainer.Options(bad, null, 6, null, false, true)));
        // Snapshots of iterations after the one that diverged (here from the earlier run) are not offered.
        assertThat(e.getMessage()).contains("at iteration 0").doesNotContain("base_lr")
                .contains("No snapshot with finite weights");
        assertThat(Snapshots.lastFiniteModel(dir.resolve("snap/tiny"), 3)).isEqualTo(dir.resolve("snap/tiny_iter_2.caffemodel"));
        // A snapshot whose weights are NaN is skipped, not named.
        Files.copy(bad, dir.resolve("snap/tiny_iter_5.caffemodel"));
        assertThat(Snapshots.lastFiniteModel(dir.resolve("snap/tiny"), 9)).isEqualTo(dir.resolve("snap/tiny_iter_4.caffemodel"));
    }
}
