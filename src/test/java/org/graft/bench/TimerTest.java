package org.graft.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.graft.engine.Engine;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

class TimerTest {
    @Test
    void warmsUpOnceThenTimesEachRepetition() {
        Engine e = TestEngines.get();
        AtomicInteger runs = new AtomicInteger();
        BenchCase c = new BenchCase("count", "-", 1, () -> {
            runs.incrementAndGet();
            try {
                Thread.sleep(2);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        Timer.Timing t = Timer.measure(e, c, 3);
        assertThat(runs.get()).isEqualTo(4);
        assertThat(t.medianSeconds()).isGreaterThanOrEqualTo(0.002).isLessThan(10);
        assertThat(t.cpuPerWall() >= 0 || Double.isNaN(t.cpuPerWall())).as("cpu per wall").isTrue();
    }

    @Test
    void rejectsZeroRepetitions() {
        BenchCase c = new BenchCase("none", "-", 1, () -> { });
        assertThatThrownBy(() -> Timer.measure(TestEngines.get(), c, 0)).hasMessageContaining("repeat");
    }

    @Test
    void squareGemmCaseCountsTwoNCubedFlops() {
        try (GemmBench g = new GemmBench(TestEngines.get())) {
            BenchCase c = g.square(48, null);
            assertThat(c.flops()).isEqualTo(2.0 * 48 * 48 * 48);
            assertThat(c.shape()).isEqualTo("48x48x48");
            c.body().run();
            TestEngines.get().finish();
        }
    }
}
