package org.graft.ops.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

public class SoftmaxLayerTest {
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
            Tally.requireClose("large logits", ys, SoftmaxReference.forward(xs, 4, 6, 1), SoftmaxCase.FWD_ABS, SoftmaxCase.FWD_REL);
            assertThat(ys[1]).isZero(); // exp(-2000) underflows to exactly 0
            assertThat(ys[6]).isEqualTo(1f / 6f, org.assertj.core.data.Offset.offset(1e-7f));
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
