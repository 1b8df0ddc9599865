package org.graft.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeImporter;
import org.graft.caffe.WeightFiles;
import org.graft.engine.Engine;
import org.graft.layers.Phase;
import org.graft.net.Net;
import org.graft.net.NetBuilder;
import org.graft.net.NetBuilder.PhaseNet;
import org.graft.net.NetTimer;
import org.graft.net.config.BlobShape;
import org.graft.net.config.InputParam;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.SolverConfig;
import org.graft.solver.SgdSolver;
import org.graft.testing.CliRun;
import org.graft.testing.Repo;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every Model Zoo network of testdata/zoo (written by tools/zoo-nets) must do in Graft: import,
 * build and print {@code time}'s per-layer table, and train: SGD steps at batch 2 on one fixed random
 * batch lower the loss. The training net is the deploy net with its Softmax replaced by a
 * SoftmaxWithLoss on the class scores and a label input; it starts from {@code export --random-weights}
 * (the fillers, and random BatchNorm statistics, which a deploy net's use_global_stats layers need).
 * One subclass per network, so that a network can be disabled naming what it lacks.
 */
abstract class ZooNetChecks {
    static final String BACKEND = System.getProperty("graft.backend", "jocl");
    static final int BATCH = 2;

    @TempDir
    Path tmp;

    /** The folder under testdata/zoo. */
    abstract String net();

    /** The blob of class scores (before the Softmax) the loss is put on. */
    abstract String scores();

    /** Input side for the training steps: the release's where fixed-size layers need it, smaller where global pooling allows. */
    abstract int trainSide();

    /** SGD steps in the training check (each a forward and backward pass at batch 2). */
    int steps() {
        return 4;
    }

    double learningRate() {
        return 0.01;
    }

    Path prototxt() {
        return Repo.path("testdata", "zoo", net(), "deploy.prototxt");
    }

    NetConfig deploy() {
        return CaffeImporter.importFiles(prototxt(), null, tmp.resolve("net.json")).config();
    }

    /** The prototxt the training net is derived from: the deploy text, changed where training needs it. */
    String trainingText(String deployText) {
        return deployText;
    }

    private NetConfig trainingBase() {
        try {
            Path p = tmp.resolve("training_base.prototxt");
            Files.writeString(p, trainingText(Files.readString(prototxt())));
            return CaffeImporter.importFiles(p, null, tmp.resolve("train.json")).config();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void imports() {
        Path out = tmp.resolve("imported");
        CliRun r = CliRun.run("import", prototxt().toString(), "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Imported net");
        NetConfig cfg = NetConfigLoader.load(out.resolve("net.json"));
        assertThat(cfg.layers()).hasSameSizeAs(deploy().layers());
    }

    @Test
    void timePrintsTheLayerTable() {
        CliRun r = CliRun.run("time", prototxt().toString(), "--phase", "test", "--batch", "1", "--iterations", "1",
                "--backend", BACKEND);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Average forward pass", "Peak device memory");
        for (LayerConfig l : deploy().layersFor(Phase.TEST)) {
            if (l.type() != LayerType.INPUT) {
                assertThat(r.out()).as("time's table has a row for layer " + l.name()).contains(l.name() + " ");
            }
        }
        System.out.println(r.out());
    }

    @Test
    void sgdStepsLowerTheLossOnAFixedBatch() {
        Path weights = tmp.resolve("random.caffemodel");
        CliRun e = CliRun.run("export", prototxt().toString(), "--random-weights", "--seed", "1", "-o", weights.toString(),
                "--backend", BACKEND);
        assertThat(e.code()).as(e.err()).isZero();
        assertBatchNormStatisticsMeasured(weights);
        NetConfig train = withLoss(trainingBase(), scores(), trainSide());
        Engine engine = TestEngines.get();
        List<Double> losses = new ArrayList<>();
        long t0 = System.nanoTime();
        try (PhaseNet pn = NetBuilder.build(engine, train, Phase.TRAIN, 1, null, BATCH, true)) {
            Net net = pn.net();
            net.fill(1);
            WeightFiles.load(net, weights, false);
            NetTimer.randomInputs(net, 1000, 5); // one fixed batch: images in [-1, 1], labels in [0, 1000)
            SolverConfig cfg = SolverConfig.builder(learningRate(), SolverConfig.LrPolicy.FIXED, steps()).momentum(0.9).build();
            try (SgdSolver solver = new SgdSolver(engine, cfg, net, 1)) {
                for (int i = 0; i < steps(); i++) {
                    losses.add(solver.step());
                }
            }
        }
        System.out.printf("%s: %d SGD steps at batch %d, %dx%d input: losses %s (%.1f s)%n", net(), steps(), BATCH, trainSide(),
                trainSide(), losses, (System.nanoTime() - t0) / 1e9);
        assertThat(losses.get(losses.size() - 1)).as("loss after %d steps on one batch: %s", steps(), losses).isLessThan(losses.get(0));
    }

    /** Every BatchNorm layer of an exported model has real statistics: factor in [0.5, 2], variances > 0, means that differ. */
    static void assertBatchNormStatisticsMeasured(Path model) {
        for (var layer : CaffeFiles.readNetRaw(model).getLayerList()) {
            if (layer.getType().equals("BatchNorm")) {
                assertThat(layer.getBlobsCount()).as(layer.getName()).isEqualTo(3);
                float factor = layer.getBlobs(2).getData(0);
                assertThat(factor).as(layer.getName() + " factor").isBetween(0.5f, 2f);
                assertThat(layer.getBlobs(1).getDataList()).as(layer.getName() + " variances").allMatch(v -> v > 0);
                assertThat(layer.getBlobs(0).getDataList().stream().distinct().count()).as(layer.getName() + " means").isGreaterThan(1);
            }
        }
    }

    /**
     * The deploy net as a training net: its input reshaped to 3 x side x side (batch set by the builder),
     * a "label" input, the Softmax ("prob") dropped and a SoftmaxWithLoss on {@code scores}.
     */
    static NetConfig withLoss(NetConfig deploy, String scores, int side) {
        List<LayerConfig> layers = new ArrayList<>();
        for (LayerConfig l : deploy.layers()) {
            if (l.type() == LayerType.INPUT) {
                int[] shape = l.inputParam().shapeOf(0);
                layers.add(l.toBuilder().input(new InputParam(List.of(BlobShape.of(shape[0], shape[1], side, side)))).build());
                layers.add(LayerConfig.builder("label", LayerType.INPUT).top("label").input(new InputParam(List.of(BlobShape.of(shape[0]))))
                        .build());
            } else if (l.type() != LayerType.SOFTMAX) {
                layers.add(l);
            }
        }
        layers.add(LayerConfig.builder("loss", LayerType.SOFTMAX_WITH_LOSS).bottom(scores, "label").top("loss").build());
        return deploy.withLayers(layers);
    }
}
