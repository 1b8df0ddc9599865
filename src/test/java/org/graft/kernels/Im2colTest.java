package org.graft.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

class Im2colTest {
    /** Pure permutations (plus one add of the bias): exact. */
    @Test
    void permutationsBetweenGemmLayoutAndNchw() {
        Engine e = TestEngines.get();
        Random r = new Random(7);
        int oc = 5, ohw = 6, images = 3, off = 4, n = images * oc * ohw;
        float[] cols = RandomData.uniform(r, n, -1, 1);
        float[] bias = RandomData.uniform(r, oc, -1, 1);
        float[] expected = new float[off + n];
        for (int b = 0; b < images; b++) {
            for (int o = 0; o < oc; o++) {
                for (int p = 0; p < ohw; p++) {
                    expected[off + (b * oc + o) * ohw + p] = cols[o * images * ohw + b * ohw + p] + bias[o];
                }
            }
        }
        try (ClBuffer dCols = e.alloc(n, "cols"); ClBuffer dBias = e.alloc(oc, "bias");
             ClBuffer dOut = e.alloc(off + n, "out"); ClBuffer dBack = e.alloc(n, "back")) {
            e.cl().writeFloats(dCols, cols);
            e.cl().writeFloats(dBias, bias);
            e.cl().writeFloats(dOut, new float[off + n]);
            Im2col.colsToNchw(e, dCols, oc, ohw, images, dBias, dOut, off);
            Tally.requireClose("cols to NCHW with bias", e.cl().readFloats(dOut, off + n), expected, 0, 0);

            Im2col.colsToNchw(e, dCols, oc, ohw, images, null, dOut, off);
            Im2col.nchwToCols(e, dOut, off, oc, ohw, images, dBack);
            Tally.requireClose("NCHW to cols round trip", e.cl().readFloats(dBack, n), cols, 0, 0);
        }
    }

    /** Row sums of ≤ 2·37 values in [-1, 1], summed in another order than the double reference: 1e-5. */
    @Test
    void rowSumsAccumulateOverChunksAndAddToOutput() {
        Engine e = TestEngines.get();
        Random r = new Random(11);
        int rows = 3, ncols = 37, slices = 8;
        float[] m1 = RandomData.uniform(r, rows * ncols, -1, 1);
        float[] m2 = RandomData.uniform(r, rows * ncols, -1, 1);
        float[] out = {1f, 2f, 3f};
        float[] expected = out.clone();
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < ncols; j++) {
                s += m1[i * ncols + j] + m2[i * ncols + j];
            }
            expected[i] += (float) s;
        }
        try (ClBuffer dm = e.alloc(rows * ncols, "m"); ClBuffer dp = e.alloc(rows * slices, "partial");
             ClBuffer dOut = e.alloc(rows, "out")) {
            e.cl().writeFloats(dOut, out);
            e.cl().writeFloats(dp, RandomData.uniform(r, rows * slices, 100, 200)); // stale contents must be overwritten
            e.cl().writeFloats(dm, m1);
            Im2col.rowSumPartial(e, dm, rows, ncols, slices, false, dp);
            e.cl().writeFloats(dm, m2);
            Im2col.rowSumPartial(e, dm, rows, ncols, slices, true, dp);
            Im2col.rowSumFinish(e, dp, rows, slices, dOut);
            Tally.requireClose("row sums", e.cl().readFloats(dOut, rows), expected, 1e-5, 0);
        }
    }

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
