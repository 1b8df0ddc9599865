package org.graft.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.selftest.Tally;
import org.graft.selftest.RandomData;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Im2colTest {
    /** Java im2col: col[row][b·OHW + oh·OW + ow] with row = (c·KH + i)·KW + j; zero outside the image. */
    static float[] im2colReference(Im2col.Geometry g, int images, float[] in) {
        int oh = g.outH(), ow = g.outW(), ohw = oh * ow, ncols = images * ohw;
        float[] col = new float[g.colRows() * ncols];
        for (int c = 0; c < g.channels(); c++) {
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    int row = (c * g.kernelH() + i) * g.kernelW() + j;
                    for (int b = 0; b < images; b++) {
                        for (int y = 0; y < oh; y++) {
                            for (int x = 0; x < ow; x++) {
                                int h = y * g.strideH() - g.padH() + i * g.dilationH();
                                int w = x * g.strideW() - g.padW() + j * g.dilationW();
                                boolean inside = h >= 0 && h < g.height() && w >= 0 && w < g.width();
                                col[row * ncols + b * ohw + y * ow + x] = inside
                                        ? in[((b * g.channels() + c) * g.height() + h) * g.width() + w] : 0f;
                            }
                        }
                    }
                }
            }
        }
        return col;
    }

    /** Java col2im: the adjoint of im2col, scattering each column entry back onto the pixel it came from. */
    static float[] col2imReference(Im2col.Geometry g, int images, float[] col) {
        int oh = g.outH(), ow = g.outW(), ohw = oh * ow, ncols = images * ohw;
        float[] out = new float[images * g.channels() * g.inPixels()];
        for (int c = 0; c < g.channels(); c++) {
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    int row = (c * g.kernelH() + i) * g.kernelW() + j;
                    for (int b = 0; b < images; b++) {
                        for (int y = 0; y < oh; y++) {
                            for (int x = 0; x < ow; x++) {
                                int h = y * g.strideH() - g.padH() + i * g.dilationH();
                                int w = x * g.strideW() - g.padW() + j * g.dilationW();
                                if (h >= 0 && h < g.height() && w >= 0 && w < g.width()) {
                                    out[((b * g.channels() + c) * g.height() + h) * g.width() + w]
                                            += col[row * ncols + b * ohw + y * ow + x];
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * im2col only copies, so it must match exactly. col2im sums at most KH·KW values of size ≤ 1 per
     * pixel in a possibly different order than the reference: 1e-6 absolute covers float rounding.
     */
    @ParameterizedTest(name = "images={0} C={1} {2}x{3} k={4}x{5} pad={6}x{7} stride={8}x{9} dil={10}x{11}")
    @CsvSource({
        "1,1,5,5,3,3,0,0,1,1,1,1",
        "3,2,7,6,3,3,1,1,1,1,1,1",
        "2,3,11,9,5,3,2,1,2,3,1,1",
        "2,2,9,10,3,3,2,2,1,1,2,2",
        "1,4,6,7,1,1,0,0,2,2,1,1",
        "2,3,8,8,4,2,1,0,3,2,2,1",
        "1,2,3,3,3,3,4,4,4,4,1,1",
        // more than Im2col.MAX_UNROLLED_TAPS taps: the runtime-geometry kernel variant
        "1,2,12,11,9,9,4,4,1,1,1,1",
        "2,3,13,12,11,8,2,3,3,2,1,1"
    })
    void im2colAndCol2imMatchReference(int images, int c, int h, int w, int kh, int kw, int ph, int pw,
                                       int sh, int sw, int dh, int dw) {
        Engine e = TestEngines.get();
        Im2col.Geometry g = new Im2col.Geometry(c, h, w, kh, kw, ph, pw, sh, sw, dh, dw);
        assertThat(g.outH()).isPositive();
        assertThat(g.outW()).isPositive();
        Random r = new Random(images * 1000L + c * 100L + h * 10L + w);
        int inOff = 5; // the launchers take offsets into bigger buffers (chunks of a batch)
        float[] in = RandomData.uniform(r, inOff + images * c * h * w, -1, 1);
        float[] image = java.util.Arrays.copyOfRange(in, inOff, in.length);
        int colCount = g.colRows() * images * g.outPixels();
        float[] col = RandomData.uniform(r, colCount, -1, 1);
        try (ClBuffer dIn = e.alloc(in.length, "in"); ClBuffer dCol = e.alloc(colCount, "col");
             ClBuffer dOut = e.alloc(in.length, "out")) {
            e.cl().writeFloats(dIn, in);
            Im2col.im2col(e, g, images, dIn, inOff, dCol);
            Tally.requireClose("im2col", e.cl().readFloats(dCol, colCount), im2colReference(g, images, image), 0, 0);

            e.cl().writeFloats(dCol, col);
            e.cl().writeFloats(dOut, new float[in.length]);
            Im2col.col2im(e, g, images, dCol, dOut, inOff);
            float[] got = e.cl().readFloats(dOut, in.length);
            for (int i = 0; i < inOff; i++) {
                assertThat(got[i]).as("col2im must not write before its offset").isZero();
            }
            Tally.requireClose("col2im", java.util.Arrays.copyOfRange(got, inOff, got.length),
                    col2imReference(g, images, col), 1e-6, 0);
        }
    }

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
