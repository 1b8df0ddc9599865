package org.graft.ops.relu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.relu.ReLUReference;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReLULayerTest {
    /** Tolerance 0: forward and backward are a compare and at most one float multiply, done identically. */
    private static final double EXACT = 0;

    @ParameterizedTest(name = "shape {0}x{1}x{2}x{3} slope={4} inPlace={5}")
    @CsvSource({
        "1,1,1,1,0,false",
        "1,3,5,7,0,true",
        "2,96,55,55,0,true",
        "3,7,1,1,0.1,false",
        "3,7,1,1,0.1,true",
        "5,13,9,11,0.01,true",
        "2,1,1,1023,0.5,false"
    })
    void matchesReference(int n, int c, int h, int w, float slope, boolean inPlace) {
        Engine e = TestEngines.get();
        Random r = new Random(n * 1000L + c * 31L + h * 7L + w);
        int[] shape = {n, c, h, w};
        ReLULayer layer = new ReLULayer("relu", new ReLULayer.Spec(slope));
        try (Blob x = new Blob(e, "x", shape); Blob separate = new Blob(e, "y", shape); layer) {
            Blob y = inPlace ? x : separate;
            List<int[]> tops = layer.setUp(e, List.of(shape));
            assertThat(tops.get(0)).containsExactly(shape);
            float[] xs = RandomData.uniform(r, x.count(), -1, 1);
            float[] dys = RandomData.uniform(r, x.count(), -1, 1);
            x.upload(xs);
            layer.forward(List.of(x), List.of(y), Pass.train(0, 1));
            Tally.requireClose("relu forward", y.download(), ReLUReference.forward(xs, slope), EXACT, 0);
            y.uploadDiff(dys);
            layer.backward(List.of(y), List.of(x), new boolean[] {true}, Pass.train(0, 1));
            Tally.requireClose("relu backward", x.downloadDiff(), ReLUReference.backward(xs, dys, slope), EXACT, 0);
        }
    }

    @ParameterizedTest(name = "slope={0}")
    @CsvSource({"0", "0.2", "-0.3"})
    void gradientCheck(float slope) {
        Engine e = TestEngines.get();
        Random r = new Random(7);
        int[] shape = {2, 3, 4, 5};
        ReLULayer layer = new ReLULayer("relu", new ReLULayer.Spec(slope));
        try (Blob x = new Blob(e, "x", shape); Blob y = new Blob(e, "y", shape); layer) {
            layer.setUp(e, List.of(shape));
            x.upload(kinkFree(r, x.count()));
            new GradientCheck().check(layer, List.of(x), List.of(y), new boolean[] {true}, Pass.train(0, 1)).orThrow();
        }
    }

    @Test
    void negativeSlopeInPlaceBackwardIsRefused() {
        Engine e = TestEngines.get();
        int[] shape = {2, 3};
        ReLULayer layer = new ReLULayer("leaky", new ReLULayer.Spec(-0.5f));
        try (Blob x = new Blob(e, "x", shape); layer) {
            layer.setUp(e, List.of(shape));
            x.upload(new float[6]);
            x.uploadDiff(new float[6]);
            assertThatThrownBy(() -> layer.backward(List.of(x), List.of(x), new boolean[] {true}, Pass.train(0, 1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("leaky").hasMessageContaining("in place");
        }
    }

    /** Values at least 0.05 from the kink at 0, so the checker's ±0.01 step cannot cross it. */
    static float[] kinkFree(Random r, int n) {
        float[] a = RandomData.distinct(r, n, 0.1f);
        for (int i = 0; i < n; i++) {
            if (Math.abs(a[i]) < 0.05f) {
                a[i] = 0.05f;
            }
        }
        return a;
    }
}
