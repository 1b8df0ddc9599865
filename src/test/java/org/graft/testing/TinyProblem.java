package org.graft.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny, learnable classification problem written as IDX files, and a small net.json over it with every
 * kind of layer the paper's network has (conv, ReLU, max-pool, LRN, inner product, dropout, softmax loss,
 * accuracy), so training tests run end to end in seconds.
 */
public final class TinyProblem {
    public static final int SIZE = 10;
    public static final int CLASSES = 3;

    private TinyProblem() {
    }

    /** Writes {@code n} images of class-dependent stripes plus noise, and their labels. */
    public static void writeIdx(Path images, Path labels, int n, long seed) throws IOException {
        IdxFiles.writePatterns(images, labels, n, SIZE, CLASSES, seed,
                (c, y, x) -> c == 0 ? y % 3 == 0 : c == 1 ? x % 3 == 0 : (x + y) % 4 == 0, 180, 40, 60);
    }

    /** Writes train/test data and a net.json into {@code dir}; returns the net.json path. */
    public static Path write(Path dir, String solverExtra, String conv1Params) throws IOException {
        writeIdx(dir.resolve("train-images.idx"), dir.resolve("train-labels.idx"), 240, 1);
        writeIdx(dir.resolve("test-images.idx"), dir.resolve("test-labels.idx"), 60, 2);
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
                    {"name": "conv1", "type": "Convolution", "bottom": ["data"], "top": ["conv1"], %s
                     "convolution_param": {"num_output": 6, "kernel_size": 3, "pad": 1, "weight_filler": {"type": "xavier"}}},
                    {"name": "relu1", "type": "ReLU", "bottom": ["conv1"], "top": ["conv1"]},
                    {"name": "pool1", "type": "Pooling", "bottom": ["conv1"], "top": ["pool1"],
                     "pooling_param": {"pool": "MAX", "kernel_size": 3, "stride": 2}},
                    {"name": "norm1", "type": "LRN", "bottom": ["pool1"], "top": ["norm1"], "lrn_param": {"local_size": 3, "alpha": 0.0001}},
                    {"name": "fc2", "type": "InnerProduct", "bottom": ["norm1"], "top": ["fc2"],
                     "inner_product_param": {"num_output": 16, "weight_filler": {"type": "xavier"}}},
                    {"name": "relu2", "type": "ReLU", "bottom": ["fc2"], "top": ["fc2"]},
                    {"name": "drop2", "type": "Dropout", "bottom": ["fc2"], "top": ["fc2"], "dropout_param": {"dropout_ratio": 0.3}},
                    {"name": "fc3", "type": "InnerProduct", "bottom": ["fc2"], "top": ["fc3"],
                     "inner_product_param": {"num_output": 3, "weight_filler": {"type": "xavier"}}},
                    {"name": "accuracy", "type": "Accuracy", "bottom": ["fc3", "label"], "top": ["accuracy"], "include": [{"phase": "TEST"}]},
                    {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["fc3", "label"], "top": ["loss"]}
                  ],
                  "solver": {
                    "base_lr": 0.05, "lr_policy": "fixed", "momentum": 0.9, "weight_decay": 0.0005,
                    "display": 5, "snapshot_prefix": "snap/tiny", "random_seed": 7 %s
                  }
                }
                """.formatted(conv1Params, solverExtra);
        Path file = dir.resolve("net.json");
        Files.writeString(file, net);
        return file;
    }
}
