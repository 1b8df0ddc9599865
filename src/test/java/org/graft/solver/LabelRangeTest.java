package org.graft.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.graft.data.DataException;
import org.graft.layers.LabelOutOfRangeException;
import org.graft.layers.Pass;
import org.graft.net.Net;
import org.graft.net.config.NetConfigLoader;
import org.graft.testing.TestEngines;
import org.graft.testing.TinyProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 1: labels outside the classifier's outputs stop a run instead of being trained on. */
class LabelRangeTest {
    @TempDir
    Path dir;

    private static final String SOLVER = ", \"max_iter\": 4, \"test_iter\": 1, \"test_interval\": 2";

    /** Rewrites the TRAIN label file so that example {@code at} has label {@code label}. */
    private void badLabel(int at, int label) throws Exception {
        Path labels = dir.resolve("train-labels.idx");
        byte[] b = Files.readAllBytes(labels);
        b[8 + at] = (byte) label;
        Files.write(labels, b);
    }

    private Trainer.Result train(Path net) {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new Trainer(TestEngines.get(), NetConfigLoader.load(net), Trainer.Options.defaults(), out).run();
    }

    @Test
    void aLabelBeyondTheOutputsIsRefusedWhenTheNetIsBuiltNamingFileExampleAndLabel() throws Exception {
        Path net = TinyProblem.write(dir, SOLVER, "");
        badLabel(17, 255);
        assertThatThrownBy(() -> train(net)).isInstanceOf(DataException.class)
                .hasMessageContaining("train-labels.idx").hasMessageContaining("example 17 ")
                .hasMessageContaining("label 255").hasMessageContaining("[0, 3)").hasMessageContaining("'loss'");
        assertThat(dir.resolve("snap")).doesNotExist();
    }

    @Test
    void theIgnoreLabelStaysAllowed() throws Exception {
        Path net = TinyProblem.write(dir, SOLVER, "");
        String text = Files.readString(net)
                .replace("\"top\": [\"loss\"]}", "\"top\": [\"loss\"], \"loss_param\": {\"ignore_label\": 255}}")
                .replace("\"top\": [\"accuracy\"],", "\"top\": [\"accuracy\"], \"accuracy_param\": {\"ignore_label\": 255},");
        Files.writeString(net, text);
        badLabel(17, 255);
        Trainer.Result r = train(net);
        assertThat(r.iterations()).isEqualTo(4);
    }

    @Test
    void theDeviceFlagsABadLabelInEveryBatchAndTheLossReadReportsIt() {
        try (Net net = NetTestNets.lossNet(TestEngines.get(), 4, 3)) {
            net.blob("scores").upload(new float[12]);
            net.blob("label").upload(new float[] {0, 1, 2, 1});
            net.forward(Pass.test());
            assertThat(net.loss()).isFinite();
            net.blob("label").upload(new float[] {0, 1, 7, 1});
            net.forward(Pass.test());
            assertThatThrownBy(net::loss).isInstanceOf(LabelOutOfRangeException.class)
                    .hasMessageContaining("label 7").hasMessageContaining("sample 2")
                    .satisfies(e -> assertThat(((LabelOutOfRangeException) e).sample()).isEqualTo(2));
        }
    }

    @Test
    void labelsOutOfRangeReachingTheDeviceNameTheExampleOfTheDataSource() throws Exception {
        // Labels that passed the build-time check but arrive bad on the device (a source changing under
        // the run): the loss kernel's flag, read with the loss, is turned into the file and example.
        Path net = TinyProblem.write(dir, SOLVER, "");
        try (var train = org.graft.net.NetBuilder.build(TestEngines.get(), NetConfigLoader.load(net), org.graft.layers.Phase.TRAIN, 1,
                Trainer.caffeMeanLoader(), 0)) {
            train.feed();
            // Corrupt the uploaded labels as a broken source would, after the build-time check.
            float[] l = train.net().blob("label").download();
            l[5] = 9;
            train.net().blob("label").upload(l);
            train.net().forward(Pass.test());
            LabelOutOfRangeException e = org.junit.jupiter.api.Assertions.assertThrows(LabelOutOfRangeException.class, () -> train.net().loss());
            RuntimeException explained = train.explain(e);
            int example = train.feeds().get(0).loader().exampleAt(0, 5);
            assertThat(explained).isInstanceOf(DataException.class).hasMessageContaining("example " + example + " of IDX")
                    .hasMessageContaining("train-labels.idx").hasMessageContaining("label 9").hasMessageContaining("3 outputs");
        }
    }
}
