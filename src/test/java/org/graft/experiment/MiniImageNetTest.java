package org.graft.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.graft.cli.Main;
import org.graft.data.ClassSubset;
import org.graft.data.ImageMean;
import org.graft.data.LmdbDataset;
import org.graft.data.MeanImage;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.solver.Trainer;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ImageNet path from raw images to Figure 2 without Caffe, on a miniature ImageNet: 10 synthetic
 * classes (synset ids, a synsets.txt) × 30 JPEGs of varied sizes, 24 per class in train/&lt;synset&gt;/ and 6
 * in a flat val/ folder with val.txt, as ILSVRC2012 is laid out. {@code convert} makes the train LMDB (from
 * the class folders, in synsets order) and the val LMDB (from the list), both resized to 32×32 as Caffe's
 * ImageNet LMDBs are to 256×256; {@code mean} makes the shared mean; the experiment is profile (c)
 * (examples/transfer/imagenet) scaled down: the same treatments (bases, AnA, AnA+, AnB, AnB+, BnA, BnA+ on a
 * random split; the man-made/natural-style dissimilar split both ways; random weights on all classes and the
 * all-class base), a mean image per half, fc8 at a fixed count of outputs — but a reduced CaffeNet-shaped
 * prototxt (conv1 with LRN and pooling, conv2, fc3 with dropout, fc4; crop 28 of 32, mirror) and n = 2 only,
 * 12 iterations of 16 images per network. Every cell runs, then the report.
 */
class MiniImageNetTest {
    private static final int CLASSES = 10;
    private static final int TRAIN_PER_CLASS = 24;
    private static final int VAL_PER_CLASS = 6;

    @TempDir
    Path dir;

    @Test
    void rawImagesToFigure2WithoutCaffe() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        List<String> synsets = writeImages(data);

        // convert: train from the class folders (labels in synsets order), val from its list.
        Path trainDb = data.resolve("ilsvrc12_train_lmdb");
        Path valDb = data.resolve("ilsvrc12_val_lmdb");
        assertThat(Main.run("convert", data.resolve("train").toString(), "--classes", data.resolve("synsets.txt").toString(), "--resize", "32,32",
                "--shuffle", "--seed", "1", "-o", trainDb.toString())).isZero();
        assertThat(Main.run("convert", data.resolve("val.txt").toString(), "--root", data.resolve("val").toString(), "--resize", "32,32", "-o",
                valDb.toString())).isZero();
        try (LmdbDataset train = new LmdbDataset(trainDb); LmdbDataset val = new LmdbDataset(valDb)) {
            assertThat(train.size()).isEqualTo(CLASSES * TRAIN_PER_CLASS);
            assertThat(val.size()).isEqualTo(CLASSES * VAL_PER_CLASS);
            assertThat(train.numClasses()).isEqualTo(CLASSES);
            assertThat(train.describe()).contains("3×32×32");
            // The synsets order, not the folders' sorted order, gives the labels: the synsets file lists them reversed.
            String key = new String(train.key(0), StandardCharsets.UTF_8);
            assertThat(train.label(0)).isEqualTo(synsets.indexOf(key.substring(9, key.indexOf('/'))));
        }
        // mean: the shared mean file the prototxt names (the "shared" option).
        assertThat(Main.run("mean", trainDb.toString(), "-o", data.resolve("imagenet_mean.binaryproto").toString())).isZero();

        Files.writeString(dir.resolve("net.prototxt"), NET);
        Files.writeString(dir.resolve("solver.prototxt"), SOLVER);
        Files.writeString(dir.resolve("experiment.json"), EXPERIMENT);
        Experiment exp = ExperimentLoader.load(dir.resolve("experiment.json"));
        assertThat(exp.meanPerHalf()).isTrue();
        Path runs = dir.resolve("runs");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        Plan plan = Planner.plan(exp, runs, false, out);
        assertThat(plan.cells().stream().map(Cell::treatment).collect(Collectors.toSet())).containsAll(Set.of(Treatment.BASE_A, Treatment.BASE_B,
                Treatment.ANA, Treatment.ANA_PLUS, Treatment.ANB, Treatment.ANB_PLUS, Treatment.BNA, Treatment.BNA_PLUS, Treatment.RANDOM,
                Treatment.BASE_ALL));

        // One mean per half: each cell's data layers use its target half's mean, which is the mean of that half's training images.
        Split s0 = exp.split("s0").orElseThrow();
        checkHalfMean(plan, "s0-A2B", trainDb, s0.b());
        checkHalfMean(plan, "s0-baseA", trainDb, s0.a());
        checkHalfMean(plan, "s0-B2A+", trainDb, s0.a());
        assertThat(meanFileOf(plan, "s0-A2B")).isNotEqualTo(meanFileOf(plan, "s0-baseA"));
        assertThat(meanFileOf(plan, "all-baseAll").getFileName().toString()).startsWith("all-ALL-");
        // s0's and natman's two halves, and all classes: five means, each computed once.
        assertThat(log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("Mean image of"))).hasSize(5);
        try (var files = Files.list(runs.resolve("means"))) {
            assertThat(files.count()).isEqualTo(5);
        }
        // Planning again reuses them (and so keeps every cell's net.json).
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        Planner.plan(exp, runs, false, new PrintStream(again, true, StandardCharsets.UTF_8));
        assertThat(again.toString(StandardCharsets.UTF_8)).doesNotContain("Mean image of").doesNotContain("Re-planned");

        int trained = new GridRunner(plan, out).run(List.of("test"), w -> TestEngines.get(), false);
        ReportWriter.write(plan, plan.report(), out);
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(trained).as(text).isEqualTo(plan.cells().size());
        for (Cell c : plan.cells()) {
            CellResult r = ResultStore.read(plan, c.id()).orElseThrow();
            assertThat(r.status()).as("%s: %s", c.id(), r.reason()).isEqualTo(CellResult.Status.DONE);
            assertThat(r.finalTop1()).as(c.id()).isBetween(0.0, 1.0);
        }
        assertThat(runs.resolve(ReportWriter.FIGURE2)).isRegularFile();
        assertThat(ImageIO.read(runs.resolve(ReportWriter.FIGURE2).toFile())).isNotNull();
        assertThat(Files.readString(runs.resolve(ReportWriter.REPORT))).contains("## Table 1", "### 4.1 (5)");
        assertThat(Files.readAllLines(runs.resolve(ReportWriter.CSV))).hasSize(plan.cells().size() + 1);
    }

    private static Path meanFileOf(Plan plan, String cell) {
        NetConfig net = NetConfigLoader.load(plan.cellDir(plan.cells().stream().filter(c -> c.id().equals(cell)).findFirst().orElseThrow())
                .resolve("net.json"));
        List<Path> files = net.layers().stream().filter(l -> l.type() == org.graft.net.config.LayerType.DATA)
                .map(l -> l.transformParam().meanFile()).distinct().toList();
        assertThat(files).as(cell + ": TRAIN and TEST layers share the half's mean").hasSize(1);
        return files.get(0);
    }

    private static void checkHalfMean(Plan plan, String cell, Path trainDb, List<Integer> half) {
        MeanImage m = Trainer.caffeMeanLoader().load(meanFileOf(plan, cell));
        try (LmdbDataset train = new LmdbDataset(trainDb)) {
            MeanImage expected = ImageMean.compute(new ClassSubset(train, half.stream().mapToInt(Integer::intValue).toArray()), 1, null);
            assertThat(m.data()).as(cell).containsExactly(expected.data());
        }
    }

    /** The miniature ILSVRC tree; returns the synsets in label order. */
    private static List<String> writeImages(Path data) throws IOException {
        Random r = new Random(2014);
        List<String> synsets = new ArrayList<>();
        for (int c = 0; c < CLASSES; c++) {
            synsets.add(String.format(Locale.ROOT, "n%08d", 1440764 + 1000 * c));
        }
        // Label order is the file's order; listing them in reverse makes it differ from the folders' sorted order.
        List<String> order = new ArrayList<>(synsets);
        java.util.Collections.reverse(order);
        StringBuilder syn = new StringBuilder();
        for (String s : order) {
            syn.append(s).append(" synthetic class ").append(s).append('\n');
        }
        Files.writeString(data.resolve("synsets.txt"), syn.toString());
        StringBuilder val = new StringBuilder();
        StringBuilder trainList = new StringBuilder();
        Files.createDirectories(data.resolve("val"));
        for (int label = 0; label < CLASSES; label++) {
            String s = order.get(label);
            Path folder = Files.createDirectories(data.resolve("train").resolve(s));
            for (int i = 0; i < TRAIN_PER_CLASS + VAL_PER_CLASS; i++) {
                BufferedImage img = classImage(label, 36 + r.nextInt(40), 32 + r.nextInt(48), r);
                if (i < TRAIN_PER_CLASS) {
                    String name = s + "_" + i + ".JPEG";
                    ImageIO.write(img, "jpeg", folder.resolve(name).toFile());
                    trainList.append(s).append('/').append(name).append(' ').append(label).append('\n');
                } else {
                    String name = String.format(Locale.ROOT, "ILSVRC2012_val_%08d.JPEG", label * VAL_PER_CLASS + i - TRAIN_PER_CLASS + 1);
                    ImageIO.write(img, "jpeg", data.resolve("val").resolve(name).toFile());
                    val.append(name).append(' ').append(label).append('\n');
                }
            }
        }
        Files.writeString(data.resolve("val.txt"), val.toString());
        Files.writeString(data.resolve("train.txt"), trainList.toString());
        return order;
    }

    /** A learnable class signature: a hue and a stripe frequency per class, with noise. */
    private static BufferedImage classImage(int label, int w, int h, Random r) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int base = (label * 37) % 256;
        int period = 2 + label % 5;
        boolean vertical = label >= 5;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int stripe = ((vertical ? x : y) / period) % 2 == 0 ? 60 : -60;
                int red = clamp(base + stripe + r.nextInt(31) - 15);
                int green = clamp(255 - base + r.nextInt(31) - 15);
                int blue = clamp(128 + stripe / 2 + r.nextInt(31) - 15);
                img.setRGB(x, y, red << 16 | green << 8 | blue);
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** CaffeNet's shape scaled down: conv/ReLU/pool/LRN, conv/ReLU/pool, fc/ReLU/dropout, fc; crop and mirror. */
    private static final String NET = """
            name: "MiniCaffeNet"
            layer { name: "data" type: "Data" top: "data" top: "label" include { phase: TRAIN }
              transform_param { mirror: true crop_size: 28 mean_file: "data/imagenet_mean.binaryproto" }
              data_param { source: "data/ilsvrc12_train_lmdb" batch_size: 16 backend: LMDB } }
            layer { name: "data" type: "Data" top: "data" top: "label" include { phase: TEST }
              transform_param { crop_size: 28 mean_file: "data/imagenet_mean.binaryproto" }
              data_param { source: "data/ilsvrc12_val_lmdb" batch_size: 15 backend: LMDB } }
            layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
              param { lr_mult: 1 decay_mult: 1 } param { lr_mult: 2 decay_mult: 0 }
              convolution_param { num_output: 8 kernel_size: 5 stride: 2 weight_filler { type: "gaussian" std: 0.05 } bias_filler { type: "constant" value: 0 } } }
            layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }
            layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 3 stride: 2 } }
            layer { name: "norm1" type: "LRN" bottom: "pool1" top: "norm1" lrn_param { local_size: 5 alpha: 0.0001 beta: 0.75 } }
            layer { name: "conv2" type: "Convolution" bottom: "norm1" top: "conv2"
              param { lr_mult: 1 decay_mult: 1 } param { lr_mult: 2 decay_mult: 0 }
              convolution_param { num_output: 16 kernel_size: 3 pad: 1 weight_filler { type: "gaussian" std: 0.05 } bias_filler { type: "constant" value: 0.1 } } }
            layer { name: "relu2" type: "ReLU" bottom: "conv2" top: "conv2" }
            layer { name: "pool2" type: "Pooling" bottom: "conv2" top: "pool2" pooling_param { pool: MAX kernel_size: 3 stride: 2 } }
            layer { name: "fc3" type: "InnerProduct" bottom: "pool2" top: "fc3"
              param { lr_mult: 1 decay_mult: 1 } param { lr_mult: 2 decay_mult: 0 }
              inner_product_param { num_output: 32 weight_filler { type: "gaussian" std: 0.05 } bias_filler { type: "constant" value: 0.1 } } }
            layer { name: "relu3" type: "ReLU" bottom: "fc3" top: "fc3" }
            layer { name: "drop3" type: "Dropout" bottom: "fc3" top: "fc3" dropout_param { dropout_ratio: 0.5 } }
            layer { name: "fc4" type: "InnerProduct" bottom: "fc3" top: "fc4"
              param { lr_mult: 1 decay_mult: 1 } param { lr_mult: 2 decay_mult: 0 }
              inner_product_param { num_output: 10 weight_filler { type: "gaussian" std: 0.05 } bias_filler { type: "constant" value: 0 } } }
            layer { name: "accuracy" type: "Accuracy" bottom: "fc4" bottom: "label" top: "accuracy" include { phase: TEST } }
            layer { name: "loss" type: "SoftmaxWithLoss" bottom: "fc4" bottom: "label" top: "loss" }
            """;

    private static final String SOLVER = """
            net: "net.prototxt"
            test_iter: 4
            test_interval: 4
            base_lr: 0.01
            lr_policy: "step"
            gamma: 0.1
            stepsize: 100000
            display: 4
            max_iter: 12
            momentum: 0.9
            weight_decay: 0.0005
            snapshot_prefix: "mini"
            solver_mode: GPU
            """;

    /** Profile (c)'s file, scaled: same treatment sets, per-half means, fixed last-layer outputs. */
    private static final String EXPERIMENT = """
            {
              "name": "mini-imagenet",
              "net": "net.prototxt",
              "solver": "solver.prototxt",
              "num_classes": 10,
              "n": [2],
              "treatments": ["baseA", "baseB", "BnB", "BnB+", "AnB", "AnB+", "random"],
              "splits": [
                {"name": "s0", "random": {"seed": 0}, "treatments": ["baseA", "baseB", "AnA", "AnA+", "AnB", "AnB+", "BnA", "BnA+"]},
                {"name": "natman", "kind": "dissimilar", "a": ["0-5"], "b": ["6-9"], "a_name": "man-made", "b_name": "natural"}
              ],
              "random_weights": {"target": "all"},
              "schedule": {"max_iter": 12, "tests": 3, "test_iter": 4},
              "last_layer_outputs": 10,
              "mean": "per_half",
              "seed": 2014,
              "metric": {"type": "mean_best", "k": 2}
            }
            """;
}
