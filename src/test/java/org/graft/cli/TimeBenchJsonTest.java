package org.graft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.graft.testing.CliRun;

/**
 * The machine-readable side of {@code time} and {@code bench} that tools/bench-vs-pytorch reads: the
 * whole-step figure, the network as built (layers, shapes, settings) and the GEMM sizes, on tiny shapes.
 */
class TimeBenchJsonTest {
    private static final String BACKEND = System.getProperty("graft.backend", "jocl");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    /**
     * Conv (pad, stride 2, 2 groups) → ReLU in place → max-pool → LRN → inner product → dropout → inner
     * product, with the loss and an accuracy both reading the logits and the labels, so the net inserts Splits.
     */
    private Path tinyNet() throws Exception {
        Path net = tmp.resolve("net.json");
        Files.writeString(net, """
                {
                  "name": "tiny-time",
                  "layers": [
                    {"name": "in", "type": "Input", "top": ["data", "label"],
                     "input_param": {"shape": [{"dim": [3, 2, 9, 7]}, {"dim": [3]}]}},
                    {"name": "conv1", "type": "Convolution", "bottom": ["data"], "top": ["conv1"],
                     "convolution_param": {"num_output": 4, "kernel_size": 3, "pad": 1, "stride": 2, "group": 2,
                                           "weight_filler": {"type": "xavier"}}},
                    {"name": "relu1", "type": "ReLU", "bottom": ["conv1"], "top": ["conv1"]},
                    {"name": "pool1", "type": "Pooling", "bottom": ["conv1"], "top": ["pool1"],
                     "pooling_param": {"pool": "MAX", "kernel_size": 2, "stride": 2}},
                    {"name": "norm1", "type": "LRN", "bottom": ["pool1"], "top": ["norm1"], "lrn_param": {"local_size": 3}},
                    {"name": "fc1", "type": "InnerProduct", "bottom": ["norm1"], "top": ["fc1"],
                     "inner_product_param": {"num_output": 5, "weight_filler": {"type": "xavier"}}},
                    {"name": "drop1", "type": "Dropout", "bottom": ["fc1"], "top": ["fc1"], "dropout_param": {"dropout_ratio": 0.25}},
                    {"name": "fc2", "type": "InnerProduct", "bottom": ["fc1"], "top": ["fc2"],
                     "inner_product_param": {"num_output": 3, "bias_term": false}},
                    {"name": "accuracy", "type": "Accuracy", "bottom": ["fc2", "label"], "top": ["accuracy"]},
                    {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["fc2", "label"], "top": ["loss"]}
                  ]
                }
                """);
        return net;
    }

    @Test
    void timeWritesTheLayersTheNetworkAsBuiltAndAWholeStepFigure() throws Exception {
        Path json = tmp.resolve("out/time.json");
        CliRun r = run("time", tinyNet().toString(), "--iterations", "1", "--json", json.toString(), "--backend", BACKEND);
        assertThat(r.code()).as(r.err()).isZero();
        // The Caffe-style table is still printed, the whole-step line follows it.
        assertThat(r.out()).contains("Average forward-backward: ", "Peak device memory: ",
                "Training step (forward + backward + SGD update, no per-layer sync): ", "Wrote " + json.toAbsolutePath());
        assertThat(r.out().indexOf("Training step")).isGreaterThan(r.out().indexOf("Peak device memory"));
        assertThat(tmp.resolve("out")).isDirectoryContaining(p -> p.getFileName().toString().equals("time.json"));
        assertThat(leftoverTempFiles(tmp.resolve("out"))).isEmpty();

        JsonNode d = MAPPER.readTree(json.toFile());
        assertThat(d.get("model").asText()).isEqualTo("tiny-time");
        assertThat(d.get("phase").asText()).isEqualTo("TRAIN");
        assertThat(d.get("backend").asText()).isEqualTo(BACKEND);
        assertThat(d.get("device").asText()).isNotBlank();
        assertThat(d.get("batch").asInt()).isEqualTo(3);
        assertThat(d.get("peak_device_bytes").asLong()).isPositive();
        assertThat(names(d.get("layers"))).contains("conv1", "relu1", "pool1", "norm1", "fc1", "drop1", "fc2", "accuracy", "loss");
        assertThat(layer(d.get("layers"), "conv1").get("forward_flops").asLong()).isPositive();
        assertThat(layer(d.get("layers"), "conv1").get("backward_ms").asDouble()).isPositive();
        assertThat(d.get("totals").get("images_per_second").asDouble()).isPositive();
        JsonNode step = d.get("training_step");
        assertThat(step.get("images_per_second").asDouble()).isPositive();
        assertThat(step.get("ms").asDouble()).isPositive();
        assertThat(step.get("flops").asLong()).isPositive();
        assertThat(step.get("last_loss").isNumber()).isTrue();

        JsonNode net = d.get("network");
        assertThat(net.get("inputs").get(0).get("name").asText()).isEqualTo("data");
        assertThat(ints(net.get("inputs").get(0).get("shape"))).containsExactly(3, 2, 9, 7);
        assertThat(ints(net.get("inputs").get(1).get("shape"))).containsExactly(3);
        JsonNode layers = net.get("layers");
        // fc2 and label each feed the accuracy and the loss: the net inserted a Split for each.
        assertThat(types(layers)).contains("Split");
        JsonNode conv = layer(layers, "conv1");
        assertThat(ints(conv.get("top_shapes").get(0))).containsExactly(3, 4, 5, 4);
        // Caffe's own spelling: square sizes in the repeated fields, the _h/_w pair unset (0).
        assertThat(ints(conv.get("convolution_param").get("kernel_size"))).containsExactly(3);
        assertThat(ints(conv.get("convolution_param").get("stride"))).containsExactly(2);
        assertThat(ints(conv.get("convolution_param").get("pad"))).containsExactly(1);
        assertThat(ints(conv.get("convolution_param").get("dilation"))).isEmpty();
        assertThat(conv.get("convolution_param").get("kernel_h").asInt()).isZero();
        assertThat(conv.get("convolution_param").get("weight_filler").get("type").asText()).isEqualTo("xavier");
        assertThat(conv.get("convolution_param").get("group").asInt()).isEqualTo(2);
        assertThat(conv.get("convolution_param").get("bias_term").asBoolean()).isTrue();
        assertThat(ints(conv.get("params").get(0).get("shape"))).containsExactly(4, 1, 3, 3);
        JsonNode relu = layer(layers, "relu1");
        assertThat(relu.get("tops").get(0).asText()).isEqualTo(relu.get("bottoms").get(0).asText()); // in place
        assertThat(layer(layers, "pool1").get("pooling_param").get("pool").asText()).isEqualTo("MAX");
        assertThat(layer(layers, "pool1").get("pooling_param").get("round_mode").asText()).isEqualTo("CEIL");
        // Every field as caffe.proto spells it (tools/bench_pytorch.py reads them): unset ones without a default are null.
        assertThat(layer(layers, "pool1").get("pooling_param").get("kernel_size").asInt()).isEqualTo(2);
        assertThat(layer(layers, "pool1").get("pooling_param").get("kernel_h").isNull()).isTrue();
        assertThat(layer(layers, "pool1").get("pooling_param").get("pad").asInt()).isZero();
        assertThat(layer(layers, "pool1").get("pooling_param").get("global_pooling").asBoolean()).isFalse();
        assertThat(ints(layer(layers, "pool1").get("top_shapes").get(0))).containsExactly(3, 4, 3, 2);
        assertThat(layer(layers, "norm1").get("lrn_param").get("local_size").asInt()).isEqualTo(3);
        assertThat(layer(layers, "norm1").get("lrn_param").get("norm_region").asText()).isEqualTo("ACROSS_CHANNELS");
        assertThat(layer(layers, "drop1").get("dropout_param").get("dropout_ratio").asDouble()).isEqualTo(0.25);
        assertThat(layer(layers, "fc2").get("inner_product_param").get("bias_term").asBoolean()).isFalse();
        assertThat(layer(layers, "fc2").get("params")).hasSize(1);
        JsonNode loss = layer(layers, "loss");
        assertThat(loss.get("is_loss").asBoolean()).isTrue();
        assertThat(loss.get("softmax_param").get("axis").asInt()).isEqualTo(1);
        assertThat(loss.get("loss_param").get("ignore_label").isNull()).isTrue();
        assertThat(loss.get("loss_param").get("normalization").asText()).isEqualTo("VALID");
        assertThat(layer(layers, "accuracy").get("accuracy_param").get("top_k").asInt()).isEqualTo(1);
        assertThat(layer(layers, "fc2").get("inner_product_param").get("transpose").asBoolean()).isFalse();
        assertThat(layer(layers, "fc2").get("inner_product_param").get("axis").asInt()).isEqualTo(1);
        assertThat(loss.get("bottoms").get(0).asText()).startsWith("fc2_fc2_split_"); // reads its own copy of the logits
        assertThat(layer(layers, "accuracy").get("needs_backward").asBoolean()).isFalse();
    }

    @Test
    void stepOnlyWithSyntheticInputsTimesANetWhoseDataFilesAreAbsent() throws Exception {
        Path net = tmp.resolve("nodata.json");
        Files.writeString(net, """
                {
                  "name": "nodata",
                  "layers": [
                    {"name": "data", "type": "Data", "top": ["data", "label"],
                     "data_param": {"source": "missing-images.idx", "label_source": "missing-labels.idx", "backend": "IDX", "batch_size": 5}},
                    {"name": "fc", "type": "InnerProduct", "bottom": ["data"], "top": ["fc"], "inner_product_param": {"num_output": 4}},
                    {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["fc", "label"], "top": ["loss"]}
                  ]
                }
                """);
        Path json = tmp.resolve("nodata-time.json");
        CliRun r = run("time", net.toString(), "--iterations", "2", "--step-only", "--input-shape", "1x6x5", "--batch", "2",
                "--json", json.toString(), "--backend", BACKEND);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("whole steps only", "Training step").doesNotContain("Average forward pass");
        JsonNode d = MAPPER.readTree(json.toFile());
        assertThat(d.get("layers")).isEmpty();
        assertThat(d.get("training_step").get("images_per_second").asDouble()).isPositive();
        assertThat(d.get("training_step").get("iterations").asInt()).isEqualTo(2);
        assertThat(ints(d.get("network").get("inputs").get(0).get("shape"))).containsExactly(2, 1, 6, 5);
        assertThat(ints(layer(d.get("network").get("layers"), "fc").get("top_shapes").get(0))).containsExactly(2, 4);

        // Without --input-shape the absent data file is the error, as before.
        CliRun missing = run("time", net.toString(), "--iterations", "1", "--backend", BACKEND);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("missing-images.idx");
    }

    @Test
    void badTimeOptionsGiveClearErrors() throws Exception {
        Path net = tinyNet();
        CliRun shape = run("time", net.toString(), "--input-shape", "3,227", "--backend", BACKEND);
        assertThat(shape.code()).isEqualTo(1);
        assertThat(shape.err()).contains("--input-shape must be C,H,W", "'3,227'");
        CliRun zero = run("time", net.toString(), "--input-shape", "3,0,4", "--backend", BACKEND);
        assertThat(zero.err()).contains("--input-shape dimensions must be >= 1");
        CliRun iters = run("time", net.toString(), "--iterations", "0", "--backend", BACKEND);
        assertThat(iters.code()).isEqualTo(1);
        assertThat(iters.err()).contains("--iterations must be >= 1, got 0");
        CliRun test = run("time", net.toString(), "--phase", "test", "--step-only", "--backend", BACKEND);
        assertThat(test.code()).isEqualTo(1);
        assertThat(test.err()).contains("--step-only", "--phase train");
    }

    @Test
    void benchGemmWritesTheRequestedSizesAsJson() throws Exception {
        Path json = tmp.resolve("gemm.json");
        CliRun r = run("bench", "--only", "gemm", "--sizes", "64,33", "--repeat", "1", "--json", json.toString(), "--backend", BACKEND);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("64x64x64", "33x33x33").doesNotContain("512x512x512");
        JsonNode d = MAPPER.readTree(json.toFile());
        assertThat(d.get("device").asText()).isNotBlank();
        assertThat(d.get("backend").asText()).isEqualTo(BACKEND);
        assertThat(d.get("repeat").asInt()).isEqualTo(1);
        JsonNode cases = d.get("cases");
        assertThat(cases).hasSize(2);
        assertThat(cases.get(0).get("name").asText()).isEqualTo("gemm");
        assertThat(cases.get(0).get("n").asInt()).isEqualTo(64);
        assertThat(cases.get(1).get("n").asInt()).isEqualTo(33);
        assertThat(cases.get(0).get("median_ms").asDouble()).isPositive();
        assertThat(cases.get(0).get("gflops").asDouble()).isPositive();
        assertThat(cases.get(0).get("flops").asDouble()).isEqualTo(2.0 * 64 * 64 * 64);
    }

    @Test
    void badGemmSizesGiveClearErrors() {
        CliRun zero = run("bench", "--only", "gemm", "--sizes", "0", "--repeat", "1", "--backend", BACKEND);
        assertThat(zero.code()).isEqualTo(1);
        assertThat(zero.err()).contains("--sizes must be GEMM sizes >= 1, got 0");
        CliRun word = run("bench", "--only", "gemm", "--sizes", "big", "--backend", BACKEND);
        assertThat(word.code()).isNotZero();
        assertThat(word.err()).contains("--sizes", "big");
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get("name").asText()));
        return out;
    }

    private static List<String> types(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get("type").asText()));
        return out;
    }

    private static JsonNode layer(JsonNode layers, String name) {
        for (JsonNode l : layers) {
            if (l.get("name").asText().equals(name)) {
                return l;
            }
        }
        throw new AssertionError("no layer '" + name + "' in " + names(layers));
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }

    private static List<Path> leftoverTempFiles(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
