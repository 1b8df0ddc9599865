package org.graft.cli;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeFormatException;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.CaffeWeights.LayerBlobs;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.data.DataException;
import org.graft.data.Npy;
import org.graft.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 8: input that could mean two things is refused (or needs an explicit option), not resolved silently. */
class AmbiguousInputTest {
    private static final Path DIR = Repo.path("testdata", "caffe");
    private static final String BACKEND = System.getProperty("graft.backend", "jocl");

    @TempDir
    Path tmp;

    @Test
    void aCaffemodelWithTwoLayersOfTheSameNameIsRefused() {
        WeightBlob w = new WeightBlob(new int[] {2, 3}, new float[6], false);
        Path twice = tmp.resolve("twice.caffemodel");
        CaffeFiles.writeNet(twice, CaffeWeights.toNet("n", List.of(new LayerBlobs("conv1", "InnerProduct", List.of(w)),
                new LayerBlobs("conv1", "InnerProduct", List.of(w)))));
        assertThatThrownBy(() -> CaffeWeights.byLayer(CaffeFiles.readNet(twice), twice.toString()))
                .isInstanceOf(CaffeFormatException.class).hasMessageContaining("twice.caffemodel")
                .hasMessageContaining("layer 'conv1' has learned blobs twice");
    }

    private Path npy(String header) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        int len = h.length + 1;
        int pad = (64 - (10 + len) % 64) % 64;
        byte[] out = new byte[10 + len + pad + 8];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
        System.arraycopy(magic, 0, out, 0, 8);
        out[8] = (byte) ((len + pad) & 0xff);
        out[9] = (byte) ((len + pad) >> 8);
        System.arraycopy(h, 0, out, 10, h.length);
        for (int i = 10 + h.length; i < 10 + len + pad - 1; i++) {
            out[i] = ' ';
        }
        out[10 + len + pad - 1] = '\n';
        Path f = tmp.resolve("a.npy");
        Files.write(f, out);
        return f;
    }

    @Test
    void anNpyHeaderWithADuplicateOrUnknownKeyIsRefused() throws Exception {
        assertThat(Npy.read(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }")).shape()).containsExactly(2);
        assertThatThrownBy(() -> Npy.read(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'shape': (2,), }")))
                .isInstanceOf(DataException.class).hasMessageContaining("'shape' twice");
        assertThatThrownBy(() -> Npy.read(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1, }")))
                .isInstanceOf(DataException.class).hasMessageContaining("key 'extra'");
        assertThatThrownBy(() -> Npy.read(npy("'descr': '<f4', 'fortran_order': False, 'shape': (2,)")))
                .isInstanceOf(DataException.class).hasMessageContaining("not a dict literal");
    }

    @Test
    void forwardAndTestRefuseWeightsThatLackALearnedLayerUnlessAsked() throws Exception {
        WeightBlob w = new WeightBlob(new int[] {10, 500}, new float[5000], false);
        WeightBlob b = new WeightBlob(new int[] {10}, new float[10], false);
        Path partial = tmp.resolve("partial.caffemodel");
        CaffeFiles.writeNet(partial, CaffeWeights.toNet("LeNet", List.of(new LayerBlobs("ip2", "InnerProduct", List.of(w, b)))));
        Path out = tmp.resolve("o");
        CliRun r = CliRun.run("forward", DIR.resolve("lenet_deploy.prototxt").toString(), "--weights", partial.toString(),
                "--input", DIR.resolve("input.npy").toString(), "-o", out.toString(), "--backend", BACKEND);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no weights for layer(s) conv1, conv2, ip1", "--allow-missing-weights");
        assertThat(out).doesNotExist();
        CliRun allowed = CliRun.run("forward", DIR.resolve("lenet_deploy.prototxt").toString(), "--weights", partial.toString(),
                "--input", DIR.resolve("input.npy").toString(), "-o", out.toString(), "--backend", BACKEND, "--allow-missing-weights");
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("warning: no weights in");
    }
}
