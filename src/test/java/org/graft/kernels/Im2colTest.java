package org.graft.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

class Im2colTest {
    /**
     * The kernels split work-item ids with a float quotient and an integer correction. At the largest
     * numerators a launch accepts (colRows·images just below 2^22) every id must still land on its own
     * (row, image) and (image, channel): a 1x1 im2col is then a pure permutation and col2im its inverse,
     * so both must be exact. Values are indices, exact in float below 2^24.
     */
    @Test
    void idSplittingIsExactUpToTheLaunchLimit() {
        Engine e = TestEngines.get();
        int channels = 3;
        Im2col.Geometry g = new Im2col.Geometry(channels, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1);
        int images = Im2col.maxImages(g);
        assertThat((long) g.colRows() * images).isLessThan(1L << 22).isGreaterThan((1L << 22) - 4);
        int n = images * channels;
        float[] in = new float[n];
        float[] col = new float[n];
        for (int b = 0; b < images; b++) {
            for (int c = 0; c < channels; c++) {
                in[b * channels + c] = b * channels + c;
                col[c * images + b] = b * channels + c;
            }
        }
        try (ClBuffer dIn = e.alloc(n, "in"); ClBuffer dCol = e.alloc(n, "col"); ClBuffer dOut = e.alloc(n, "out")) {
            e.cl().writeFloats(dIn, in);
            Im2col.im2col(e, g, images, dIn, 0, dCol);
            Tally.requireClose("im2col at the id limit", e.cl().readFloats(dCol, n), col, 0, 0);
            Im2col.col2im(e, g, images, dCol, dOut, 0);
            Tally.requireClose("col2im at the id limit", e.cl().readFloats(dOut, n), in, 0, 0);
        }
    }

    @Test
    void rejectsMoreImagesThanOneLaunchCanIndex() {
        Engine e = TestEngines.get();
        Im2col.Geometry g = new Im2col.Geometry(64, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1);
        int tooMany = Im2col.maxImages(g) + 1;
        try (ClBuffer b = e.alloc(16, "any")) {
            assertThatThrownBy(() -> Im2col.im2col(e, g, tooMany, b, 0, b))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(tooMany + " images");
            assertThatThrownBy(() -> Im2col.col2im(e, g, tooMany, b, b, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(tooMany + " images");
        }
    }

    @Test
    void outputSizeFollowsCaffesFloorRule() {
        // CaffeNet conv1: (227 - 11) / 4 + 1 = 55; a dilated 3x3 spans 5 pixels.
        assertThat(Im2col.Geometry.outSize(227, 11, 0, 4, 1)).isEqualTo(55);
        assertThat(Im2col.Geometry.outSize(10, 3, 0, 1, 2)).isEqualTo(6);
        assertThat(Im2col.Geometry.outSize(8, 3, 1, 3, 1)).isEqualTo(3);
        assertThat(Im2col.Geometry.outSize(2, 5, 0, 1, 1)).isLessThan(1);
    }
}
