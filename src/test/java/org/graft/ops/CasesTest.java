package org.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.graft.selftest.Effort;
import org.graft.selftest.SelfTest;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The operations' unit tests: every {@code selftest} case (kernel or layer against its plain-Java
 * reference, and each layer's finite-difference gradient check) at full effort on the test device,
 * one test per case. The unit tests beside it keep only what a case cannot express (error messages,
 * special behaviours).
 */
class CasesTest {
    /** {@code graft selftest}'s default seed, so that a failure reproduces with {@code graft selftest --only NAME}. */
    private static final long SEED = 1;

    @TestFactory
    Stream<DynamicTest> everyCasePassesAtFullEffort() {
        return Cases.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            SelfTest.Row row = SelfTest.run(TestEngines.get(), List.of(c), Effort.FULL, SEED, null).rows().get(0);
            assertThat(row.failures()).as("%s failures", row.name()).isEmpty();
            assertThat(row.passed()).as("%s passed (at least one comparison made)", row.name()).isTrue();
            assertThat(row.worstFraction()).as(row.name()).isLessThanOrEqualTo(1.0);
        }));
    }
}
