package org.graft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.graft.layers.Phase;
import org.graft.selftest.RandomData;
import org.junit.jupiter.api.Test;

class TransformerTest {
    // All expected values below are computed in float exactly as the transformer does ((x − m)·s), so
    // results are compared for equality.

    private static float[] input(int c, int h, int w) {
        float[] a = new float[c * h * w];
        new ArrayDataset(1, c, h, w, 1).image(0, a, 0);
        return a;
    }

    @Test
    void meanValuePerChannelThenScale() {
        Transformer t = new Transformer(new Transformer.Spec(0.5f, false, 0, new float[] {10, 20, 30}, null), 3, 2, 2);
        float[] in = input(3, 2, 2);
        float[] out = new float[12];
        t.transform(in, 0, out, 0, Phase.TRAIN, 1, 0, 0);
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < 4; k++) {
                assertThat(out[c * 4 + k]).isEqualTo((in[c * 4 + k] - 10 * (c + 1)) * 0.5f);
            }
        }
    }

    @Test
    void singleMeanValueAppliesToEveryChannel() {
        Transformer t = new Transformer(new Transformer.Spec(2f, false, 0, new float[] {1.5f}, null), 2, 1, 3);
        float[] in = input(2, 1, 3);
        float[] out = new float[6];
        t.transform(in, 0, out, 0, Phase.TEST, 0, 0, 0);
        for (int k = 0; k < 6; k++) {
            assertThat(out[k]).isEqualTo((in[k] - 1.5f) * 2f);
        }
    }

    @Test
    void meanImageIsSubtractedAtTheCropOffsetAndCentreCropAtTest() {
        int c = 2, h = 5, w = 6, crop = 3;
        float[] meanData = RandomData.uniform(new Random(3), c * h * w, 0, 50);
        Transformer t = new Transformer(new Transformer.Spec(0.25f, true, crop, null, new MeanImage(c, h, w, meanData)), c, h, w);
        float[] in = input(c, h, w);
        float[] out = new float[c * crop * crop + 2];
        t.transform(in, 0, out, 2, Phase.TEST, 9, 4, 17);

        assertThat(t.outputShape()).containsExactly(c, crop, crop);
        int hOff = (h - crop) / 2, wOff = (w - crop) / 2; // 1 and 1
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < crop; y++) {
                for (int x = 0; x < crop; x++) {
                    int src = (ch * h + y + hOff) * w + x + wOff;
                    assertThat(out[2 + (ch * crop + y) * crop + x]).isEqualTo((in[src] - meanData[src]) * 0.25f);
                }
            }
        }
    }

    @Test
    void testPhaseIsCentredAndNeverMirrored() {
        Transformer t = new Transformer(new Transformer.Spec(1f, true, 4, null, null), 1, 9, 7);
        for (int p = 0; p < 50; p++) {
            assertThat(t.placement(Phase.TEST, p, p, p)).isEqualTo(new Transformer.Placement(2, 1, false));
        }
    }

    @Test
    void trainCropsCoverEveryOffsetAndMirrorBothWays() {
        Transformer t = new Transformer(new Transformer.Spec(1f, true, 4, null, null), 1, 9, 7);
        Set<Integer> hs = new HashSet<>();
        Set<Integer> ws = new HashSet<>();
        Set<Boolean> flips = new HashSet<>();
        for (int p = 0; p < 400; p++) {
            Transformer.Placement pl = t.placement(Phase.TRAIN, 5, 2, p);
            hs.add(pl.hOffset());
            ws.add(pl.wOffset());
            flips.add(pl.mirror());
        }
        // Modern Caffe: offsets 0..(size − crop) inclusive.
        assertThat(hs).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        assertThat(ws).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(flips).containsExactlyInAnyOrder(true, false);

        Transformer noMirror = new Transformer(new Transformer.Spec(1f, false, 0, null, null), 1, 9, 7);
        for (int p = 0; p < 100; p++) {
            assertThat(noMirror.placement(Phase.TRAIN, 5, 2, p)).isEqualTo(new Transformer.Placement(0, 0, false));
        }
    }

    @Test
    void mirroredOutputIsTheUnmirroredOneReversedRowByRow() {
        int c = 2, h = 4, w = 5, crop = 3;
        float[] mean = RandomData.uniform(new Random(1), c * h * w, 0, 9);
        Transformer t = new Transformer(new Transformer.Spec(0.5f, true, crop, null, new MeanImage(c, h, w, mean)), c, h, w);
        float[] in = input(c, h, w);
        float[] plain = new float[c * crop * crop];
        float[] flipped = new float[c * crop * crop];
        t.apply(in, 0, plain, 0, new Transformer.Placement(1, 2, false));
        t.apply(in, 0, flipped, 0, new Transformer.Placement(1, 2, true));
        for (int row = 0; row < c * crop; row++) {
            for (int x = 0; x < crop; x++) {
                assertThat(flipped[row * crop + x]).isEqualTo(plain[row * crop + crop - 1 - x]);
            }
        }
        // The unflipped window starts at (1, 2): pixel value i·1000 + c·100 + y·10 + x.
        assertThat(plain[0]).isEqualTo((ArrayDataset.pixel(0, 0, 1, 2) - mean[1 * w + 2]) * 0.5f);
    }

    @Test
    void randomChoicesAreAPureFunctionOfSeedEpochAndPosition() {
        Transformer.Spec spec = new Transformer.Spec(1f, true, 5, null, null);
        Transformer a = new Transformer(spec, 3, 12, 12);
        Transformer b = new Transformer(spec, 3, 12, 12);
        float[] in = input(3, 12, 12);
        float[] outA = new float[75];
        float[] outB = new float[75];
        int differentSeed = 0;
        int differentEpoch = 0;
        for (int p = 0; p < 100; p++) {
            a.transform(in, 0, outA, 0, Phase.TRAIN, 42, 3, p);
            // Other calls in between must not matter: no hidden generator state.
            b.transform(in, 0, outB, 0, Phase.TRAIN, 7, 0, p + 1);
            b.transform(in, 0, outB, 0, Phase.TRAIN, 42, 3, p);
            assertThat(outB).containsExactly(outA);
            if (!a.placement(Phase.TRAIN, 43, 3, p).equals(a.placement(Phase.TRAIN, 42, 3, p))) {
                differentSeed++;
            }
            if (!a.placement(Phase.TRAIN, 42, 4, p).equals(a.placement(Phase.TRAIN, 42, 3, p))) {
                differentEpoch++;
            }
        }
        assertThat(differentSeed).isGreaterThan(80);
        assertThat(differentEpoch).isGreaterThan(80);
    }

    @Test
    void identityCopies() {
        ArrayDataset d = new ArrayDataset(1, 2, 3, 4, 1);
        Transformer t = Transformer.identity(d);
        float[] in = input(2, 3, 4);
        float[] out = new float[24];
        t.transform(in, 0, out, 0, Phase.TRAIN, 1, 2, 3);
        assertThat(out).containsExactly(in);
    }

    @Test
    void inconsistentSpecsAreErrors() {
        assertThatThrownBy(() -> new Transformer(new Transformer.Spec(1f, false, 29, null, null), 3, 28, 28)).isInstanceOf(DataException.class)
                .hasMessageContaining("crop_size 29").hasMessageContaining("28×28");
        assertThatThrownBy(() -> new Transformer(new Transformer.Spec(1f, false, 0, new float[] {1, 2}, null), 3, 8, 8))
                .isInstanceOf(DataException.class).hasMessageContaining("mean_value").hasMessageContaining("got 2");
        MeanImage cropped = new MeanImage(3, 6, 6, new float[108]);
        assertThatThrownBy(() -> new Transformer(new Transformer.Spec(1f, false, 6, null, cropped), 3, 8, 8))
                .isInstanceOf(DataException.class).hasMessageContaining("3×6×6").hasMessageContaining("3×8×8");
        assertThatThrownBy(() -> new Transformer.Spec(1f, false, 0, new float[] {1}, cropped)).isInstanceOf(DataException.class)
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> new MeanImage(1, 2, 2, new float[3])).isInstanceOf(DataException.class).hasMessageContaining("needs 4");
    }
}
