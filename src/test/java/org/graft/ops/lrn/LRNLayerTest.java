package org.graft.ops.lrn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.graft.caffe.proto.Caffe.LRNParameter.NormRegion;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.lrn.LRNLayer.Spec;
import org.graft.selftest.RandomData;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

class LRNLayerTest {
    private record Run(float[] y, float[] dx) {
    }

    private static Run run(Spec spec, int n, int c, int h, int w, float[] x, float[] dy) {
        Engine e = TestEngines.get();
        try (LRNLayer layer = new LRNLayer("norm", spec)) {
            int[] out = layer.setUp(e, List.<int[]>of(new int[] {n, c, h, w})).get(0);
            assertThat(out).containsExactly(n, c, h, w);
            try (Blob bottom = new Blob(e, "bottom", n, c, h, w); Blob top = new Blob(e, "top", out)) {
                bottom.upload(x);
                layer.forward(List.of(bottom), List.of(top), Pass.test());
                top.uploadDiff(dy);
                bottom.uploadDiff(new float[x.length]);
                layer.backward(List.of(top), List.of(bottom), new boolean[] {true}, Pass.test());
                return new Run(top.download(), bottom.downloadDiff());
            }
        }
    }

    @Test
    void normalisationActuallyChangesValues() {
        // Guards against a test that would pass with y = x: alpha 1 on O(1) inputs shrinks every value.
        float[] x = RandomData.uniform(new Random(5), 2 * 5 * 3 * 3, 0.5f, 1f);
        for (Spec spec : List.of(Spec.across(5, 1f, 0.75f, 1f), Spec.within(3, 1f, 0.75f))) {
            float[] y = run(spec, 2, 5, 3, 3, x, new float[x.length]).y();
            for (int i = 0; i < x.length; i++) {
                assertThat(y[i]).isLessThan(x[i] * 0.95f);
            }
        }
    }

    @Test
    void withinChannelIgnoresK() {
        float[] x = RandomData.uniform(new Random(6), 2 * 3 * 5 * 4, -1, 1);
        float[] dy = RandomData.uniform(new Random(7), x.length, -1, 1);
        Run k1 = run(new Spec(3, 1f, 0.75f, 1f, NormRegion.WITHIN_CHANNEL), 2, 3, 5, 4, x, dy);
        Run k5 = run(new Spec(3, 1f, 0.75f, 5f, NormRegion.WITHIN_CHANNEL), 2, 3, 5, 4, x, dy);
        assertThat(k5.y()).containsExactly(k1.y());
        assertThat(k5.dx()).containsExactly(k1.dx());
    }

    @Test
    void rejectsEvenOrNonPositiveLocalSize() {
        assertThatThrownBy(() -> new LRNLayer("norm1", Spec.across(4, 1e-4f, 0.75f, 1f)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("norm1").hasMessageContaining("odd").hasMessageContaining("got 4");
        assertThatThrownBy(() -> new LRNLayer("norm2", Spec.within(0, 1f, 0.75f)))
                .hasMessageContaining("norm2").hasMessageContaining("got 0");
    }

    @Test
    void rejectsNonImageBottom() {
        LRNLayer layer = new LRNLayer("norm", Spec.defaults());
        assertThatThrownBy(() -> layer.setUp(TestEngines.get(), List.<int[]>of(new int[] {4, 96})))
                .hasMessageContaining("'norm'").hasMessageContaining("4 axes").hasMessageContaining("[4, 96]");
    }
}
