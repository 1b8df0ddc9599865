package org.graft.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TallyTest {
    @Test
    void withinToleranceRecordsErrorsAndPasses() {
        Tally t = new Tally();
        t.shape("2x3");
        t.compare("forward", new float[] {1.0f, 2.00001f, 0f}, new float[] {1.0f, 2.0f, 0f}, 1e-4, 0);
        assertThat(t.passed()).isTrue();
        assertThat(t.shapes()).isEqualTo(1);
        assertThat(t.maxAbsError()).isCloseTo(1e-5, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(t.maxRelError()).isCloseTo(5e-6, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(t.worstFraction()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void aFailureNamesTheShapeTheComparisonTheElementAndTheValues() {
        Tally t = new Tally();
        t.shape("in=1x3x7x7 k=3");
        t.compare("bottom diff", new float[] {1f, 2.5f, 3f}, new float[] {1f, 2f, 3f}, 1e-3, 1e-5);
        assertThat(t.passed()).isFalse();
        assertThat(t.failureCount()).isEqualTo(1);
        assertThat(t.failures().get(0))
                .contains("[in=1x3x7x7 k=3]").contains("bottom diff").contains("1 of 3 values differ")
                .contains("worst at 1").contains("got 2.5").contains("expected 2.0");
        assertThat(t.maxAbsError()).isEqualTo(0.5);
        assertThat(t.worstFraction()).isGreaterThan(1);
    }

    @Test
    void nanNeverPassesAndShowsAsNaN() {
        Tally t = new Tally();
        t.compare("softmax", new float[] {Float.NaN, 0.5f}, new float[] {0.5f, 0.5f}, 1, 1);
        assertThat(t.passed()).isFalse();
        assertThat(t.maxAbsError()).isNaN();
        assertThat(t.worstFraction()).isInfinite();
    }

    @Test
    void relativeErrorIgnoresValuesThatCancelToNearlyZero() {
        Tally t = new Tally();
        // 1e-9 against 1e-12 is a huge ratio but irrelevant next to the array's scale of 1.
        t.compare("sum", new float[] {1f, 1e-9f}, new float[] {1f, 1e-12f}, 1e-6, 0);
        assertThat(t.passed()).isTrue();
        assertThat(t.maxRelError()).isZero();
    }

    @Test
    void exactComparisonsAndBitIdentity() {
        Tally t = new Tally();
        t.compare("copy", new float[] {0f, -1f}, new float[] {-0f, -1f}, 0, 0); // equal values pass an exact compare
        assertThat(t.passed()).isTrue();
        t.identical("weights", new float[] {0f}, new float[] {-0f}); // but are different bits
        assertThat(t.passed()).isFalse();
        assertThat(t.failures().get(0)).contains("not bit-identical").contains("0x80000000");
    }

    @Test
    void aCrashIsAFailureOfThatShapeOnly() {
        Tally t = new Tally();
        t.run("shape A", () -> {
            throw new IllegalStateException("CL_OUT_OF_RESOURCES");
        });
        t.run("shape B", () -> t.compare("ok", new float[] {1f}, new float[] {1f}, 0, 0));
        assertThat(t.shapes()).isEqualTo(2);
        assertThat(t.failureCount()).isEqualTo(1);
        assertThat(t.failures().get(0)).contains("[shape A]").contains("IllegalStateException").contains("CL_OUT_OF_RESOURCES");
    }

    @Test
    void onlyTheFirstFailuresAreKeptInWords() {
        Tally t = new Tally();
        for (int i = 0; i < Tally.MAX_FAILURE_MESSAGES + 3; i++) {
            t.require(false, "flag " + i);
        }
        assertThat(t.failureCount()).isEqualTo(Tally.MAX_FAILURE_MESSAGES + 3);
        assertThat(t.failures()).hasSize(Tally.MAX_FAILURE_MESSAGES);
    }
}
