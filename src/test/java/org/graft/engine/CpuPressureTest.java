package org.graft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CpuPressureTest {
    @Test
    void readsTheCumulativeTotalOfAPressureLine() {
        assertThat(CpuPressure.parseTotalMicros("some avg10=0.14 avg60=2.47 avg300=6.63 total=16555524833")).isEqualTo(16_555_524_833L);
        assertThatThrownBy(() -> CpuPressure.parseTotalMicros("some avg10=0.14")).hasMessageContaining("no total=");
    }

    @Test
    void theMachinesWaitNeverGoesBackwards() {
        long first = CpuPressure.waitNanos();
        long second = CpuPressure.waitNanos();
        // -1 on kernels without pressure stall information; otherwise a cumulative counter
        if (first >= 0) {
            assertThat(second).isGreaterThanOrEqualTo(first);
        } else {
            assertThat(second).isEqualTo(-1);
        }
    }
}
