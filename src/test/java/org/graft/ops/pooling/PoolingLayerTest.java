package org.graft.ops.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.graft.caffe.CaffeImporter;
import org.graft.caffe.proto.Caffe.PoolingParameter.PoolMethod;
import org.graft.caffe.proto.Caffe.PoolingParameter.RoundMode;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.net.config.NetConfig;
import org.graft.ops.pooling.PoolingLayer.Spec;
import org.graft.ops.pooling.PoolingReference.Geometry;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolingLayerTest {
    /*
     * Tolerances: MAX forward selects an input value, so it must match exactly; MAX backward sums at
     * most a few top diffs in [-1, 1] (float vs double order) so 1e-6 absolute suffices. AVE sums at
     * most kernelH·kernelW ≤ 121 values in [-1, 1] in float: error < 121·2^-24·121 ≈ 1e-3 worst case,
     * typically ~1e-6; 1e-5 absolute plus 1e-5 relative is ample for the small windows used (global
     * pooling over 55×55 gets its own bound below).
     */
    private static final double AVE_ABS = 1e-5;
    private static final double REL = 1e-5;

    private record Case(Blob bottom, Blob top, PoolingLayer layer, Geometry geometry) implements AutoCloseable {
        @Override
        public void close() {
            layer.close();
            bottom.close();
            top.close();
        }
    }

    private static Case setUp(Spec spec, int n, int c, int h, int w) {
        Engine e = TestEngines.get();
        PoolingLayer layer = new PoolingLayer("pool", spec);
        int[] out = layer.setUp(e, List.<int[]>of(new int[] {n, c, h, w})).get(0);
        int[] k = layer.kernel();
        Geometry g = new Geometry(n, c, h, w, out[2], out[3], k[0], k[1], spec.strideH(), spec.strideW(), spec.padH(), spec.padW());
        return new Case(new Blob(e, "bottom", n, c, h, w), new Blob(e, "top", out), layer, g);
    }

    /** Forward and backward against the reference; returns the pooled shape for extra assertions. */
    private static int[] compareWithReference(Spec spec, int n, int c, int h, int w, float[] x, long seed) {
        try (Case t = setUp(spec, n, c, h, w)) {
            Random r = new Random(seed);
            t.bottom().upload(x);
            t.layer().forward(List.of(t.bottom()), List.of(t.top()), Pass.test());
            float[] dy = RandomData.uniform(r, t.top().count(), -1, 1);
            t.top().uploadDiff(dy);
            t.bottom().uploadDiff(RandomData.uniform(r, t.bottom().count(), 5, 6)); // stale values must be overwritten
            t.layer().backward(List.of(t.top()), List.of(t.bottom()), new boolean[] {true}, Pass.test());
            Geometry g = t.geometry();
            if (spec.method() == PoolMethod.MAX) {
                int[] argmax = new int[g.topCount()];
                Tally.requireClose("max pool forward", t.top().download(), PoolingReference.maxForward(g, x, argmax), 0, 0);
                Tally.requireClose("max pool backward", t.bottom().downloadDiff(), PoolingReference.maxBackward(g, dy, argmax), 1e-6, REL);
            } else {
                double abs = g.kernelH() * g.kernelW() > 121 ? 1e-4 : AVE_ABS; // long float sums for global pooling
                Tally.requireClose("ave pool forward", t.top().download(), PoolingReference.aveForward(g, x), abs, REL);
                Tally.requireClose("ave pool backward", t.bottom().downloadDiff(), PoolingReference.aveBackward(g, dy), abs, REL);
            }
            return t.top().shape();
        }
    }

    @Test
    void maxTakesTheFirstOfTiedMaxima() {
        // Values from {0, 1, 2}: most windows hold ties; the reference keeps the first in row-major order.
        Random r = new Random(9);
        float[] x = new float[2 * 3 * 9 * 9];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(3);
        }
        compareWithReference(Spec.max(3, 2, 1), 2, 3, 9, 9, x, 9);
        compareWithReference(Spec.max(3, 1), 2, 3, 9, 9, new float[x.length], 10); // all equal: top-left wins
    }

    @Test
    void averageCountsPaddedCellsInTheDivisorByHand() {
        // 2x2 input, kernel 3, stride 1, pad 1: every window holds all four inputs plus five padded
        // cells, so Caffe divides the sum 10 by 9 (not by the 4 real cells).
        try (Case t = setUp(Spec.ave(3, 1, 1), 1, 1, 2, 2)) {
            t.bottom().upload(new float[] {1, 2, 3, 4});
            t.layer().forward(List.of(t.bottom()), List.of(t.top()), Pass.test());
            Tally.requireClose("padded average", t.top().download(), new float[] {10f / 9, 10f / 9, 10f / 9, 10f / 9}, 1e-6, 0);
        }
    }

    @Test
    void paddedCellsNeverWinMax() {
        float[] x = RandomData.uniform(new Random(4), 2 * 2 * 6 * 6, -2, -1);
        try (Case t = setUp(Spec.max(3, 2, 2), 2, 2, 6, 6)) {
            t.bottom().upload(x);
            t.layer().forward(List.of(t.bottom()), List.of(t.top()), Pass.test());
            for (float v : t.top().download()) {
                assertThat(v).isLessThan(-1f + 1e-6f);
            }
        }
        compareWithReference(Spec.max(3, 2, 2), 2, 2, 6, 6, x, 4);
    }

    @ParameterizedTest(name = "in {0} k {1} s {2} p {3} {4} -> {5}")
    @CsvSource({
        "55, 3, 2, 0, CEIL, 27",
        "27, 3, 2, 0, CEIL, 13",
        "13, 3, 2, 0, CEIL, 6",
        "54, 3, 2, 0, CEIL, 27",
        "54, 3, 2, 0, FLOOR, 26",
        "5, 2, 2, 1, CEIL, 3", // ceil gives 4; the 4th window would start in the padding
        "6, 3, 2, 1, CEIL, 4",
        "7, 3, 2, 1, FLOOR, 4",
        "10, 2, 3, 0, CEIL, 4",
        "10, 2, 3, 0, FLOOR, 3"
    })
    void pooledSizeFollowsCaffe(int in, int k, int s, int p, String round, int expected) {
        assertThat(PoolingLayer.pooledSize(in, k, s, p, p > 0, RoundMode.valueOf(round))).isEqualTo(expected);
    }

    @Test
    void padOnOneAxisAlsoDropsAnOutOfImageWindowOnTheOther() {
        // H: in 6, kernel 1, stride 3 gives 3 windows by ceil, the last starting at row 6; Caffe drops it
        // because the layer has padding (on W), which it tests as pad_h || pad_w.
        try (PoolingLayer layer = new PoolingLayer("pool", new Spec(PoolMethod.MAX, 1, 3, 3, 2, 0, 1, false, RoundMode.CEIL))) {
            assertThat(layer.setUp(TestEngines.get(), List.<int[]>of(new int[] {1, 3, 6, 9})).get(0)).containsExactly(1, 3, 2, 5);
        }
    }

    @Test
    void setUpAgainWithLargerBatchGrowsArgmax() {
        Engine e = TestEngines.get();
        try (PoolingLayer layer = new PoolingLayer("pool", Spec.max(3, 2))) {
            layer.setUp(e, List.<int[]>of(new int[] {1, 2, 7, 7}));
            int[] out = layer.setUp(e, List.<int[]>of(new int[] {3, 2, 7, 7})).get(0);
            assertThat(out).containsExactly(3, 2, 3, 3);
            Random r = new Random(12);
            float[] x = RandomData.uniform(r, 3 * 2 * 7 * 7, -1, 1);
            try (Blob bottom = new Blob(e, "b", 3, 2, 7, 7); Blob top = new Blob(e, "t", out)) {
                bottom.upload(x);
                layer.forward(List.of(bottom), List.of(top), Pass.test());
                Geometry g = new Geometry(3, 2, 7, 7, 3, 3, 3, 3, 2, 2, 0, 0);
                Tally.requireClose("forward after re-setUp", top.download(), PoolingReference.maxForward(g, x, new int[g.topCount()]), 0, 0);
            }
        }
    }

    @Test
    void backwardWithoutPropagateDownLeavesBottomDiff() {
        try (Case t = setUp(Spec.ave(2, 2), 1, 1, 4, 4)) {
            float[] stale = RandomData.uniform(new Random(1), 16, -1, 1);
            t.bottom().upload(stale);
            t.layer().forward(List.of(t.bottom()), List.of(t.top()), Pass.test());
            t.top().uploadDiff(new float[] {1, 1, 1, 1});
            t.bottom().uploadDiff(stale);
            t.layer().backward(List.of(t.top()), List.of(t.bottom()), new boolean[] {false}, Pass.test());
            assertThat(t.bottom().downloadDiff()).containsExactly(stale);
        }
    }

    /**
     * Caffe's global pooling: the kernel is the whole (here non-square) input, an explicit stride 1 and pad 0
     * are accepted, the output is 1x1 even before the input size is known (a Data layer's).
     */
    @Test
    void globalPoolingImportsAndGivesOneByOne(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("g.prototxt");
        Files.writeString(f, """
                name: "g"
                layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1024 dim: 7 dim: 9 } } }
                layer { name: "pool" type: "Pooling" bottom: "data" top: "pool"
                        pooling_param { pool: AVE global_pooling: true stride: 1 pad: 0 } }
                """);
        NetConfig net = CaffeImporter.importFiles(f, null, tmp.resolve("net.json"), tmp).config();
        assertThat(net.layers().get(1).settings(Spec.class)).isEqualTo(Spec.global(PoolMethod.AVE));
        PoolingLayer layer = new PoolingLayer("pool", Spec.global(PoolMethod.AVE));
        assertThat(layer.shapes(List.of(new int[] {1, 1024, 7, 9})).tops()).containsExactly(new int[] {1, 1024, 1, 1});
        assertThat(layer.shapes(List.of(new int[] {2, -1, -1, -1})).tops()).containsExactly(new int[] {2, -1, 1, 1});
        PoolingLayer window = new PoolingLayer("pool", Spec.ave(7, 1));
        assertThat(window.shapes(List.of(new int[] {2, -1, -1, 7})).tops()).containsExactly(new int[] {2, -1, -1, 1});
    }

    @Test
    void rejectsKernelLargerThanPaddedInput() {
        PoolingLayer layer = new PoolingLayer("pool5", Spec.max(7, 1, 1));
        assertThatThrownBy(() -> layer.setUp(TestEngines.get(), List.<int[]>of(new int[] {1, 3, 4, 9})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool5").hasMessageContaining("kernel 7x7").hasMessageContaining("padded input 6x11");
    }

    @Test
    void rejectsLastWindowOutsideTheImage() {
        // in 6, kernel 1, stride 3, ceil: windows would start at 0, 3 and 6; the last covers nothing.
        PoolingLayer layer = new PoolingLayer("pool", Spec.max(1, 3));
        assertThatThrownBy(() -> layer.setUp(TestEngines.get(), List.<int[]>of(new int[] {1, 1, 6, 6})))
                .hasMessageContaining("'pool'").hasMessageContaining("outside the image");
        PoolingLayer floor = new PoolingLayer("pool", Spec.max(1, 3).withRoundMode(RoundMode.FLOOR));
        assertThat(floor.setUp(TestEngines.get(), List.<int[]>of(new int[] {1, 1, 6, 6})).get(0)).containsExactly(1, 1, 2, 2);
        floor.close();
    }

    @Test
    void rejectsBadSpecsAndShapes() {
        assertThatThrownBy(() -> new PoolingLayer("p1", Spec.max(3, 2, 3)))
                .hasMessageContaining("p1").hasMessageContaining("pad must be smaller than the kernel");
        assertThatThrownBy(() -> new PoolingLayer("p2", Spec.max(0, 1)))
                .hasMessageContaining("p2").hasMessageContaining("kernel must be positive");
        assertThatThrownBy(() -> new PoolingLayer("p3", Spec.max(2, 0)))
                .hasMessageContaining("p3").hasMessageContaining("stride must be positive");
        assertThatThrownBy(() -> new PoolingLayer("p4", new Spec(PoolMethod.AVE, 3, 3, 1, 1, 0, 0, true, RoundMode.CEIL)))
                .hasMessageContaining("p4").hasMessageContaining("global pooling");
        assertThatThrownBy(() -> new PoolingLayer("p5", new Spec(PoolMethod.AVE, 0, 0, 2, 2, 0, 0, true, RoundMode.CEIL)))
                .hasMessageContaining("p5").hasMessageContaining("stride 1");
        PoolingLayer layer = new PoolingLayer("p6", Spec.max(2, 2));
        assertThatThrownBy(() -> layer.setUp(TestEngines.get(), List.<int[]>of(new int[] {2, 3, 8})))
                .hasMessageContaining("p6").hasMessageContaining("4 axes").hasMessageContaining("[2, 3, 8]");
    }
}
