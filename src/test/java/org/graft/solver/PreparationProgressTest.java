package org.graft.solver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.graft.kernels.KernelLibrary;
import org.graft.net.config.NetConfigLoader;
import org.graft.testing.TestEngines;
import org.graft.testing.TinyProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 11: slow one-time preparation is announced before it happens; the ETA ignores it. */
class PreparationProgressTest {
    @TempDir
    Path dir;

    @Test
    void compilingAProgramIsAnnouncedBeforeItHappensAndOnlyOnACacheMiss() {
        List<String> lines = new ArrayList<>();
        try (KernelLibrary lib = new KernelLibrary(TestEngines.get().cl(), null)) {
            lib.progress(lines::add);
            lib.kernel("relu.cl", "relu_forward");
            lib.kernel("relu.cl", "relu_forward");
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("Compiling kernel programs for this device").contains("cached afterwards");
        assertThat(lines.get(1)).contains("compiling relu.cl").contains("program 1");
    }

    @Test
    void theEtaComesFromSteadyStateIterationsOnly() throws Exception {
        Path net = TinyProblem.write(dir, ", \"max_iter\": 11, \"test_interval\": 0, \"test_iter\": 0", "");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new Trainer(TestEngines.get(), NetConfigLoader.load(net), Trainer.Options.defaults(),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        List<String> iterations = log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("Iteration ")).toList();
        assertThat(iterations.get(0)).startsWith("Iteration 0/11").endsWith("ETA after the first iterations");
        assertThat(iterations.get(1)).startsWith("Iteration 5/11").containsPattern("ETA [0-9.]+s$");
    }
}
