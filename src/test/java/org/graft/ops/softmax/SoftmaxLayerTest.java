package org.graft.ops.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.softmax.SoftmaxReference;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class SoftmaxLayerTest {
    /**
     * Forward tolerance: exp is accurate to 3 ulp and the float sum of up to 1000 positive terms
     * drifts by at most ~1e-5 relative in practice (double reference); 1e-8 abs + 3e-5 rel covers it.
     * Backward: dx = y·(dy − dot) with |dy| ≤ 1, float dot of ≤ 1000 terms: 1e-6 abs + 1e-4 rel.
     */
    private static final double FWD_ABS = 1e-8;
    private static final double FWD_REL = 3e-5;
    private static final double BWD_ABS = 1e-6;
    private static final double BWD_REL = 1e-4;

    @ParameterizedTest(name = "shape {0} axis {1}")
    @CsvSource({
        "5x10, 1",
        "1x1000, 1",
        "256x7, 1",
        "4x1, 1",
        "2x7x3x5, 1",
        "1x3x1x1, 1",
        "3x4x5x2, 2",
        "3x4x5x2, 3",
        "3x4x5x2, -1",
        "6x13, 0",
        "2x11x9x9, 1"
    })
    void matchesReference(String shapeText, int axis) {
        Engine e = TestEngines.get();
        int[] shape = parse(shapeText);
        Random r = new Random(shapeText.hashCode() * 31L + axis);
        SoftmaxLayer layer = new SoftmaxLayer("prob", new SoftmaxLayer.Spec(axis));
        List<int[]> tops = layer.setUp(e, List.of(shape));
        assertThat(tops.get(0)).containsExactly(shape);
        int a = axis < 0 ? axis + shape.length : axis;
        int outer = prod(shape, 0, a);
        int channels = shape[a];
        int inner = prod(shape, a + 1, shape.length);
        try (Blob x = new Blob(e, "x", shape); Blob y = new Blob(e, "y", shape); layer) {
            float[] xs = RandomData.uniform(r, x.count(), -5, 5);
            float[] dys = RandomData.uniform(r, x.count(), -1, 1);
            x.upload(xs);
            layer.forward(List.of(x), List.of(y), Pass.test());
            float[] expected = SoftmaxReference.forward(xs, outer, channels, inner);
            Tally.requireClose("softmax forward", y.download(), expected, FWD_ABS, FWD_REL);
            y.uploadDiff(dys);
            layer.backward(List.of(y), List.of(x), new boolean[] {true}, Pass.test());
            Tally.requireClose("softmax backward", x.downloadDiff(),
                    SoftmaxReference.backward(expected, dys, outer, channels, inner), BWD_ABS, BWD_REL);
        }
    }

    @Test
    void largeLogitsDoNotOverflow() {
        Engine e = TestEngines.get();
        int[] shape = {4, 6};
        float[] xs = {
            1000, -1000, 999, 0, 1000, -999,
            -1000, -1000, -1000, -1000, -1000, -1000,
            88, 89, 90, -1000, 1000, 500,
            -1000, -999.5f, -1000, -1000, -1000, -1000};
        SoftmaxLayer layer = new SoftmaxLayer("prob", SoftmaxLayer.Spec.defaults());
        layer.setUp(e, List.of(shape));
        try (Blob x = new Blob(e, "x", shape); Blob y = new Blob(e, "y", shape); layer) {
            x.upload(xs);
            layer.forward(List.of(x), List.of(y), Pass.test());
            float[] ys = y.download();
            for (int row = 0; row < 4; row++) {
                double sum = 0;
                for (int c = 0; c < 6; c++) {
                    assertThat(Float.isFinite(ys[row * 6 + c])).as("element %d finite", row * 6 + c).isTrue();
                    sum += ys[row * 6 + c];
                }
                assertThat(sum).as("row %d sums to 1", row).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
            }
            Tally.requireClose("large logits", ys, SoftmaxReference.forward(xs, 4, 6, 1), FWD_ABS, FWD_REL);
            assertThat(ys[1]).isZero(); // exp(-2000) underflows to exactly 0
            assertThat(ys[6]).isEqualTo(1f / 6f, org.assertj.core.data.Offset.offset(1e-7f));
        }
    }

    @ParameterizedTest(name = "gradient shape {0} axis {1}")
    @CsvSource({"3x5, 1", "2x3x2x3, 1", "2x3x4, 2", "1x4, 1"})
    void gradientCheck(String shapeText, int axis) {
        Engine e = TestEngines.get();
        int[] shape = parse(shapeText);
        SoftmaxLayer layer = new SoftmaxLayer("prob", new SoftmaxLayer.Spec(axis));
        layer.setUp(e, List.of(shape));
        try (Blob x = new Blob(e, "x", shape); Blob y = new Blob(e, "y", shape); layer) {
            x.upload(RandomData.uniform(new Random(7), x.count(), -2, 2));
            new GradientCheck().check(layer, List.of(x), List.of(y), new boolean[] {true}, Pass.test()).orThrow();
        }
    }

    @Test
    void rejectsAnAxisOutsideTheShape() {
        SoftmaxLayer layer = new SoftmaxLayer("prob", new SoftmaxLayer.Spec(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> layer.setUp(TestEngines.get(), List.of(new int[] {4, 5})))
                .hasMessageContaining("prob").hasMessageContaining("axis 2");
    }

    public static int[] parse(String s) {
        String[] parts = s.split("x");
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            shape[i] = Integer.parseInt(parts[i].trim());
        }
        return shape;
    }

    public static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }
}
