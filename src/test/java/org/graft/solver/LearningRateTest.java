package org.graft.solver;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.SolverConfig;
import org.graft.net.config.SolverConfig.LrPolicy;
import org.junit.jupiter.api.Test;

/** Learning rates against values worked out by hand from Caffe's formulas (1e-15 relative: double maths). */
class LearningRateTest {
    private static SolverConfig.Builder base(LrPolicy policy) {
        return SolverConfig.builder(0.01, policy, 1000);
    }

    private static void assertLr(SolverConfig s, long iter, double expected) {
        assertThat(LearningRate.at(s, iter)).as("iteration " + iter).isCloseTo(expected, within(Math.abs(expected) * 1e-12));
    }

    @Test
    void fixed() {
        SolverConfig s = base(LrPolicy.FIXED).build();
        assertLr(s, 0, 0.01);
        assertLr(s, 999, 0.01);
    }

    @Test
    void stepDropsByGammaEveryStepsize() {
        SolverConfig s = base(LrPolicy.STEP).gamma(0.1).stepsize(1800).build();
        assertLr(s, 0, 0.01);
        assertLr(s, 1799, 0.01);
        assertLr(s, 1800, 0.001);
        assertLr(s, 3599, 0.001);
        assertLr(s, 3600, 0.0001);
    }

    @Test
    void multistepAdvancesThroughStepvalue() {
        SolverConfig s = base(LrPolicy.MULTISTEP).gamma(0.5).stepvalue(List.of(100, 300, 700)).build();
        assertLr(s, 0, 0.01);
        assertLr(s, 99, 0.01);
        assertLr(s, 100, 0.005);
        assertLr(s, 299, 0.005);
        assertLr(s, 300, 0.0025);
        assertLr(s, 700, 0.00125);
        assertLr(s, 5000, 0.00125);
        // Caffe's stateful form: current_step advances by one whenever iter reaches the next stepvalue.
        int step = 0;
        for (int iter = 0; iter < 1000; iter++) {
            if (step < s.stepvalue().size() && iter >= s.stepvalue().get(step)) {
                step++;
            }
            assertLr(s, iter, 0.01 * Math.pow(0.5, step));
        }
    }

    @Test
    void exp() {
        SolverConfig s = base(LrPolicy.EXP).gamma(0.99).build();
        assertLr(s, 0, 0.01);
        assertLr(s, 1, 0.0099);
        assertLr(s, 2, 0.009801);
        assertLr(s, 10, 0.009043820750088045);
    }

    @Test
    void inv() {
        SolverConfig s = base(LrPolicy.INV).gamma(0.0001).power(0.75).build();
        assertLr(s, 0, 0.01);
        // (1 + 1e-4 · 10000)^-0.75 = 2^-0.75 = 0.5946035575013605
        assertLr(s, 10000, 0.005946035575013605);
        // (1 + 1e-4 · 30000)^-0.75 = 4^-0.75 = 2^-1.5
        assertLr(s, 30000, 0.01 / Math.sqrt(8));
    }

    @Test
    void poly() {
        SolverConfig s = SolverConfig.builder(0.01, LrPolicy.POLY, 100).power(2).build();
        assertLr(s, 0, 0.01);
        assertLr(s, 50, 0.0025);
        assertLr(s, 90, 0.0001);
        assertThat(LearningRate.at(s, 100)).isZero();
        SolverConfig linear = SolverConfig.builder(0.01, LrPolicy.POLY, 100).power(1).build();
        assertLr(linear, 25, 0.0075);
    }

    @Test
    void sigmoid() {
        SolverConfig s = base(LrPolicy.SIGMOID).gamma(0.1).stepsize(50).build();
        assertLr(s, 50, 0.005);
        // 0.01 / (1 + e^-1)
        assertLr(s, 60, 0.007310585786300049);
        // 0.01 / (1 + e^1)
        assertLr(s, 40, 0.0026894142136999512);
    }

    @Test
    void theFashionExampleDecaysLinearlyToZero() {
        SolverConfig s = NetConfigLoader.load(Repo.path("examples/fashion-mnist/net.json")).solver();
        LearningRate lr = new LearningRate(s);
        assertThat(lr.at(0)).isEqualTo(0.02);
        assertThat(lr.at(s.maxIter() / 2)).isCloseTo(0.01, within(1e-15));
        assertThat(lr.at(s.maxIter() - 1)).isCloseTo(0.02 / s.maxIter(), within(1e-15));
    }
}
