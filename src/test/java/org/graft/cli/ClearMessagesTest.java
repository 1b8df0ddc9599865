package org.graft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeFormatException;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.proto.Caffe.SolverState;
import org.graft.io.InputFiles;
import org.graft.net.config.NetConfigLoader;
import org.graft.solver.Trainer;
import org.graft.testing.TestEngines;
import org.graft.testing.TinyProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 6: messages name the file, field, value and limit instead of leaking internals. */
class ClearMessagesTest {
    @TempDir
    Path dir;

    @Test
    void aNullBufferIsNamedAsABugNotAsAJvmVariable() {
        assertThatThrownBy(() -> TestEngines.get().cl().readFloats(null, 0, new float[1], 0, 1))
                .hasMessageContaining("given no buffer").hasMessageNotContaining("because \"b\" is null");
    }

    @Test
    void nonUtf8TextSaysSoWithLineAndByte() throws Exception {
        Path f = dir.resolve("list.txt");
        Files.write(f, new byte[] {'a', '\n', 'b', (byte) 0xC3, '(', '\n'});
        assertThatThrownBy(() -> InputFiles.readUtf8(f)).hasMessageContaining("not UTF-8 text").hasMessageContaining("byte 0xC3 at line 2")
                .hasMessageNotContaining("Input length");
        Path exp = dir.resolve("experiment.json");
        Files.write(exp, new byte[] {'{', (byte) 0xFF, '}'});
        assertThatThrownBy(() -> org.graft.experiment.ExperimentLoader.load(exp)).hasMessageContaining("experiment.json")
                .hasMessageContaining("not UTF-8 text").hasMessageNotContaining("Input length");
    }

    @Test
    void aCorruptLengthInABinaryFileDoesNotAdviseProtobufApiCalls() throws Exception {
        Path f = dir.resolve("bad.caffemodel");
        // field 100 (layer), length-delimited, with a length of 2^31 - 1 and nothing after it
        Files.write(f, new byte[] {(byte) 0xA2, 0x06, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07});
        assertThatThrownBy(() -> CaffeFiles.readNet(f)).isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("bad.caffemodel").hasMessageNotContaining("setSizeLimit");
    }

    @Test
    void aCellIndexTooLargeForAnIntIsOutOfRangeNotANumberFormatError() throws Exception {
        TinyProblem.write(dir, ", \"max_iter\": 4, \"test_iter\": 1, \"test_interval\": 2", "");
        Files.writeString(dir.resolve("exp.json"), "{\"name\": \"e\", \"net\": \"net.json\", \"splits\": [{\"name\": \"s\", \"random\": {}}]}");
        org.graft.testing.CliRun plan = org.graft.testing.CliRun.run("transfer", "plan", dir.resolve("exp.json").toString(), dir.resolve("plan").toString());
        assertThat(plan.code()).as(plan.err()).isZero();
        org.graft.testing.CliRun r = org.graft.testing.CliRun.run("transfer", "run-cell", dir.resolve("plan").toString(), "99999999999");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("cell index 99999999999 is outside 0..").doesNotContain("For input string");
    }

    @Test
    void aSolverStateOfTheWrongShapeNamesTheHistoryBlobAndParameter() throws Exception {
        Path net = TinyProblem.write(dir, ", \"max_iter\": 4, \"snapshot\": 2, \"test_interval\": 0, \"test_iter\": 0", "");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        new Trainer(TestEngines.get(), NetConfigLoader.load(net), Trainer.Options.defaults(), quiet).run();
        Path state = dir.resolve("snap/tiny_iter_2.solverstate");
        SolverState st = CaffeFiles.readSolverState(state);
        CaffeFiles.writeSolverState(state, st.toBuilder().setHistory(0, CaffeWeights.encode(new int[] {3, 2}, new float[6])).build());
        assertThatThrownBy(() -> new Trainer(TestEngines.get(), NetConfigLoader.load(net), new Trainer.Options(null, state, null, null, false),
                quiet).run())
                .hasMessageContaining("tiny_iter_2.solverstate").hasMessageContaining("history blob 0")
                .hasMessageContaining("parameter 0 of the net").hasMessageNotContaining("layer 'weights'");
    }
}
