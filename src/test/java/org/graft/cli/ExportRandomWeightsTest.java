package org.graft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.proto.Caffe.NetParameter;
import org.graft.testing.CliRun;
import org.graft.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export --random-weights: seeded weights from the fillers, the same for the same seed, refused with WEIGHTS. */
class ExportRandomWeightsTest {
    private static final Path DEPLOY = Repo.path("testdata", "caffe", "lenet_deploy.prototxt");
    private static final String BACKEND = System.getProperty("graft.backend", "jocl");

    @TempDir
    Path tmp;

    private CliRun export(String seed, String out) {
        return CliRun.run("export", DEPLOY.toString(), "--random-weights", "--seed", seed, "-o", tmp.resolve(out).toString(),
                "--backend", BACKEND);
    }

    @Test
    void theSameSeedGivesTheSameWeightsAndAnotherSeedOthers() throws Exception {
        CliRun a = export("7", "a.caffemodel");
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(a.out()).contains("seeded random weights (seed 7) for 4 layer(s): conv1, conv2, ip1, ip2");
        assertThat(export("7", "b.caffemodel").code()).isZero();
        assertThat(export("8", "c.caffemodel").code()).isZero();
        byte[] a1 = Files.readAllBytes(tmp.resolve("a.caffemodel"));
        assertThat(Files.readAllBytes(tmp.resolve("b.caffemodel"))).isEqualTo(a1);
        assertThat(Files.readAllBytes(tmp.resolve("c.caffemodel"))).isNotEqualTo(a1);

        NetParameter net = CaffeFiles.readNetRaw(tmp.resolve("a.caffemodel"));
        assertThat(net.getLayer(0).getBlobs(0).getShape().getDimList()).containsExactly(20L, 1L, 5L, 5L);
        // lenet's conv1 weights come from its xavier filler: random, not all equal
        assertThat(net.getLayer(0).getBlobs(0).getDataList().stream().distinct().count()).isGreaterThan(100);
        // and the file is a model the forward command accepts for the net
        CliRun f = CliRun.run("forward", DEPLOY.toString(), "--weights", tmp.resolve("a.caffemodel").toString(), "--input",
                Repo.arg("testdata", "caffe", "input.npy"), "-o", tmp.resolve("fwd").toString(), "--backend", BACKEND);
        assertThat(f.code()).as(f.err()).isZero();
    }

    @Test
    void weightsAndRandomWeightsAreOneOrTheOther() {
        CliRun both = CliRun.run("export", DEPLOY.toString(), Repo.arg("testdata", "caffe", "lenet_iter_10000.caffemodel"),
                "--random-weights", "-o", tmp.resolve("x.caffemodel").toString());
        assertThat(both.code()).isEqualTo(1);
        assertThat(both.err()).contains("either WEIGHTS or --random-weights, not both");
        CliRun neither = CliRun.run("export", DEPLOY.toString(), "-o", tmp.resolve("x.caffemodel").toString());
        assertThat(neither.code()).isEqualTo(1);
        assertThat(neither.err()).contains("give the WEIGHTS to export, or --random-weights");
        CliRun seedAlone = CliRun.run("export", DEPLOY.toString(), Repo.arg("testdata", "caffe", "lenet_iter_10000.caffemodel"),
                "--seed", "3", "-o", tmp.resolve("x.caffemodel").toString());
        assertThat(seedAlone.code()).isEqualTo(1);
        assertThat(seedAlone.err()).contains("--seed sets the seed of --random-weights");
        CliRun deviceAlone = CliRun.run("export", DEPLOY.toString(), Repo.arg("testdata", "caffe", "lenet_iter_10000.caffemodel"),
                "--backend", "lwjgl", "-o", tmp.resolve("x.caffemodel").toString());
        assertThat(deviceAlone.code()).isEqualTo(1);
        assertThat(deviceAlone.err()).contains("--backend chooses the device of --random-weights");
        assertThat(Files.exists(tmp.resolve("x.caffemodel"))).isFalse();
    }
}
