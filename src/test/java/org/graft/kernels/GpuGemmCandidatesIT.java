package org.graft.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.graft.engine.Engine;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every GPU GEMM candidate, forced by name (not picked by the tuner's timing), on small awkward shapes
 * against the reference. Small because tools/test runs it on Oclgrind, a simulated GPU that checks every
 * memory access and reports data races (a missing barrier in {@code gemm_tiled}), where each work-item is
 * interpreted. Named *IT so the regular passes skip it: there {@link GemmTest} already checks every
 * candidate on larger shapes. Run by hand with {@code mvn test -Dtest=GpuGemmCandidatesIT}.
 */
class GpuGemmCandidatesIT {
    /**
     * Partial tiles in every direction for every tile shape (37 rows < 64 and 128, 70 columns = one full
     * 64-wide tile plus a partial one, k = 23 = one full k-tile of 16 plus a partial one), and a 1×1×1 product.
     */
    private static final int[][] SHAPES = {{37, 70, 23}, {1, 1, 1}};

    static Stream<String> gpuCandidateNames() {
        return GemmVariant.gpuCandidates().stream().map(GemmVariant::id);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gpuCandidateNames")
    void candidateForcedByNameMatchesReference(String id) {
        Engine e = TestEngines.get();
        GemmVariant v = GemmVariant.named(id);
        String why = v.unsupported(e.device());
        assumeTrue(why == null, () -> id + " does not fit this device: " + why);
        for (int[] s : SHAPES) {
            for (int t = 0; t < 4; t++) {
                boolean tA = (t & 1) != 0;
                boolean tB = (t & 2) != 0;
                var p = new GemmTest.Problem(new Random(s[0] * 7L + t + id.hashCode()), s[0], s[1], s[2], tA, tB,
                        0.5f, t % 2 == 0 ? 0f : 1f, 2);
                p.check(e, call -> assertThat(v.run(e, call)).as("%s accepted its work-group size", id).isTrue(), id, 1e-4);
            }
        }
    }

    @Test
    void unknownNameIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> GemmVariant.named("tiled-3x3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tiled-3x3'").hasMessageContaining("tiled-64x64x16-4x4").hasMessageContaining("simple");
    }
}
