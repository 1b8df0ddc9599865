package org.graft.caffe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.graft.caffe.proto.Caffe.NetParameter;
import org.graft.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 5: unknown or misspelt prototxt / solver fields are errors naming the closest field, unless --lenient. */
class UnknownFieldsTest {
    @TempDir
    Path dir;

    private Path net() throws Exception {
        Path f = dir.resolve("n.prototxt");
        Files.writeString(f, """
                name: "n"
                layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 1 dim: 1 dim: 8 dim: 8 } } }
                layer { name: "c" type: "Convolution" bottom: "x" top: "y"
                        convolution_param { num_output: 2 kernel_size: 3 strde: 3 } }
                """);
        return f;
    }

    @Test
    void aMisspeltNetFieldIsAnErrorWithTheClosestName() throws Exception {
        Path f = net();
        assertThatThrownBy(() -> CaffeFiles.readNetText(f)).isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("n.prototxt:4:")
                .hasMessageContaining("ConvolutionParameter has no field 'strde' (did you mean 'stride'?)")
                .hasMessageContaining("--lenient");
    }

    @Test
    void aMisspeltSolverFieldIsAnErrorWithTheClosestName() throws Exception {
        Path f = dir.resolve("solver.prototxt");
        Files.writeString(f, "net: \"n.prototxt\"\nbase_lr: 0.01\nmomentun: 0.9\nzzz_fork_option: 1\n");
        assertThatThrownBy(() -> CaffeFiles.readSolverText(f)).isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("solver.prototxt:3:1: SolverParameter has no field 'momentun' (did you mean 'momentum'?)")
                .hasMessageContaining("4:1: SolverParameter has no field 'zzz_fork_option'");
    }

    @Test
    void aNonFiniteNumberIsRefusedNamingTheField() throws Exception {
        Path f = dir.resolve("solver.prototxt");
        Files.writeString(f, "net: \"n.prototxt\"\nbase_lr: nan\n");
        assertThatThrownBy(() -> CaffeFiles.readSolverText(f)).isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("solver.prototxt: base_lr is NaN").hasMessageNotContaining("JSON");
        Path n = dir.resolve("inf.prototxt");
        Files.writeString(n, """
                layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 1 dim: 4 } } }
                layer { name: "ip" type: "InnerProduct" bottom: "x" top: "y"
                        inner_product_param { num_output: 2 weight_filler { type: "gaussian" std: inf } } }
                """);
        assertThatThrownBy(() -> CaffeFiles.readNetText(n))
                .hasMessageContaining("layer[1].inner_product_param.weight_filler.std is Infinity");
        CliRun r = CliRun.run("import", n.toString(), "-o", dir.resolve("o").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("weight_filler.std is Infinity").doesNotContain("JSON has no");
    }

    @Test
    void lenientSkipsUnknownFieldsWithOneWarningLineEach() throws Exception {
        Path f = net();
        CaffeFiles.lenient(true);
        try {
            NetParameter n = CaffeFiles.readNetText(f);
            assertThat(n.getLayer(1).getConvolutionParam().getStrideList()).isEmpty();
        } finally {
            CaffeFiles.lenient(false);
        }
        CliRun strict = CliRun.run("import", f.toString(), "-o", dir.resolve("strict").toString());
        assertThat(strict.code()).isEqualTo(1);
        assertThat(strict.err()).contains("'strde'");
        CliRun r = CliRun.run("import", f.toString(), "-o", dir.resolve("out").toString(), "--lenient");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err().lines().filter(l -> l.contains("'strde'"))).hasSize(1)
                .allMatch(l -> l.startsWith("warning: ") && l.endsWith("skipped (--lenient)"));
    }
}
