package org.graft.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.graft.testing.IdxFiles;

/**
 * A tiny synthetic dataset (4 classes of 8×8 stripe patterns in IDX files) and a 3-layer net.json over it
 * (conv1, fc2, fc3), so that grid tests train each cell in about a second.
 */
final class TransferFixtures {
    static final int SIZE = 8;
    static final int CLASSES = 4;

    private TransferFixtures() {
    }

    static void writeIdx(Path images, Path labels, int n, long seed) throws IOException {
        IdxFiles.writePatterns(images, labels, n, SIZE, CLASSES, seed, (c, y, x) -> switch (c) {
            case 0 -> y % 2 == 0;
            case 1 -> x % 2 == 0;
            case 2 -> (x + y) % 3 == 0;
            default -> x < SIZE / 2;
        }, 170, 50, 70);
    }

    /** Writes data and net.json into {@code dir}; returns the net.json. */
    static Path writeNet(Path dir) throws IOException {
        writeIdx(dir.resolve("train-images.idx"), dir.resolve("train-labels.idx"), 320, 1);
        writeIdx(dir.resolve("test-images.idx"), dir.resolve("test-labels.idx"), 80, 2);
        String net = """
                {
                  "name": "tiny",
                  "layers": [
                    {"name": "data", "type": "Data", "top": ["data", "label"], "include": [{"phase": "TRAIN"}],
                     "transform_param": {"scale": 0.00390625},
                     "data_param": {"source": "train-images.idx", "label_source": "train-labels.idx", "backend": "IDX", "batch_size": 16}},
                    {"name": "data", "type": "Data", "top": ["data", "label"], "include": [{"phase": "TEST"}],
                     "transform_param": {"scale": 0.00390625},
                     "data_param": {"source": "test-images.idx", "label_source": "test-labels.idx", "backend": "IDX", "batch_size": 20}},
                    {"name": "conv1", "type": "Convolution", "bottom": ["data"], "top": ["conv1"],
                     "param": [{"lr_mult": 1, "decay_mult": 1}, {"lr_mult": 2, "decay_mult": 0}],
                     "convolution_param": {"num_output": 4, "kernel_size": 3, "pad": 1, "weight_filler": {"type": "xavier"}}},
                    {"name": "relu1", "type": "ReLU", "bottom": ["conv1"], "top": ["conv1"]},
                    {"name": "pool1", "type": "Pooling", "bottom": ["conv1"], "top": ["pool1"], "pooling_param": {"pool": "MAX", "kernel_size": 2, "stride": 2}},
                    {"name": "fc2", "type": "InnerProduct", "bottom": ["pool1"], "top": ["fc2"],
                     "inner_product_param": {"num_output": 12, "weight_filler": {"type": "xavier"}}},
                    {"name": "relu2", "type": "ReLU", "bottom": ["fc2"], "top": ["fc2"]},
                    {"name": "fc3", "type": "InnerProduct", "bottom": ["fc2"], "top": ["fc3"],
                     "inner_product_param": {"num_output": 4, "weight_filler": {"type": "xavier"}}},
                    {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["fc3", "label"], "top": ["loss"]},
                    {"name": "accuracy", "type": "Accuracy", "bottom": ["fc3", "label"], "top": ["accuracy"], "include": [{"phase": "TEST"}]}
                  ],
                  "solver": {"base_lr": 0.05, "lr_policy": "fixed", "max_iter": 20, "momentum": 0.9, "weight_decay": 0.0005,
                             "test_iter": 2, "test_interval": 10, "random_seed": 3}
                }
                """;
        Path file = dir.resolve("net.json");
        Files.writeString(file, net);
        return file;
    }

    /** An experiment over the tiny net; {@code body} is the JSON members after "net" (without braces). */
    static Path writeExperiment(Path dir, String body) throws IOException {
        writeNet(dir);
        Path file = dir.resolve("experiment.json");
        Files.writeString(file, "{\"name\": \"tiny\", \"net\": \"net.json\"" + (body.isBlank() ? "" : ", " + body) + "}");
        return file;
    }
}
