package org.graft.solver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.graft.engine.Engine;
import org.graft.kernels.TuningCache;
import org.graft.net.config.NetConfigLoader;
import org.graft.testing.TestEngines;
import org.graft.testing.TinyProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training with GEMM tuning on starts at once on the cost model's choices and leaves the shapes to be
 * tuned between iterations (what is tuned by when is timing and not asserted; that it is announced and
 * accounted for is).
 */
class DeferredTuningTest {
    @TempDir
    Path dir;

    @Test
    void trainingAnnouncesShapesOnTheModelsChoiceAndTrains() throws Exception {
        TinyProblem.writeIdx(dir.resolve("train-images.idx"), dir.resolve("train-labels.idx"), 64, 1);
        // fc1's forward and both backward products are big enough to tune (16 x 256 x 1600 multiply-adds).
        Files.writeString(dir.resolve("net.json"), """
                {
                  "name": "deferred",
                  "layers": [
                    {"name": "data", "type": "Data", "top": ["data", "label"],
                     "transform_param": {"scale": 0.00390625},
                     "data_param": {"source": "train-images.idx", "label_source": "train-labels.idx", "backend": "IDX", "batch_size": 16}},
                    {"name": "conv1", "type": "Convolution", "bottom": ["data"], "top": ["conv1"],
                     "convolution_param": {"num_output": 64, "kernel_size": 3, "pad": 1, "weight_filler": {"type": "xavier"}}},
                    {"name": "pool1", "type": "Pooling", "bottom": ["conv1"], "top": ["pool1"],
                     "pooling_param": {"pool": "MAX", "kernel_size": 3, "stride": 2}},
                    {"name": "fc1", "type": "InnerProduct", "bottom": ["pool1"], "top": ["fc1"],
                     "inner_product_param": {"num_output": 256, "weight_filler": {"type": "xavier"}}},
                    {"name": "fc2", "type": "InnerProduct", "bottom": ["fc1"], "top": ["fc2"],
                     "inner_product_param": {"num_output": 3, "weight_filler": {"type": "xavier"}}},
                    {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["fc2", "label"], "top": ["loss"]}
                  ],
                  "solver": {"base_lr": 0.01, "lr_policy": "fixed", "max_iter": 12, "display": 4, "snapshot_prefix": "snap/d", "random_seed": 3}
                }
                """);
        Engine shared = TestEngines.get();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Engine e = Engine.open(shared.cl().backendName(), -1, shared.device().isGpu() ? "gpu" : "cpu", false)) {
            e.enableGemmTuning(new TuningCache(dir.resolve("tuning")));
            Trainer.Result r = new Trainer(e, NetConfigLoader.load(dir.resolve("net.json")), Trainer.Options.defaults(),
                    new PrintStream(log, true, StandardCharsets.UTF_8)).run();
            assertThat(r.iterations()).isEqualTo(12);
            String out = log.toString(StandardCharsets.UTF_8);
            assertThat(out).containsPattern("first iteration done [0-9.]+ s after the process started");
            Matcher m = Pattern.compile("GEMM: (\\d+) shape\\(s\\) use the cost model's choice; tuning them between iterations").matcher(out);
            assertThat(m.find()).as(out).isTrue();
            int deferred = Integer.parseInt(m.group(1));
            assertThat(deferred).isGreaterThanOrEqualTo(3);
            assertThat(e.gemmTuner().tunedShapes() + e.gemmTuner().pendingShapes()).as("each shape tuned or still waiting").isEqualTo(deferred);
            assertThat(e.gemmTuner().cachedShapes()).isZero();
            assertThat(out).as("nothing tuned up front").doesNotContain("timing up to");
        }
    }
}
