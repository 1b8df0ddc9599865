package org.graft.ops.split;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.split.SplitReference;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SplitLayerTest {
    @ParameterizedTest(name = "tops={0}")
    @ValueSource(ints = {1, 2, 3})
    void matchesReferenceAndGradient(int tops) {
        Engine e = TestEngines.get();
        Random r = new Random(tops);
        int[] shape = {2, 3, 5, 7};
        SplitLayer layer = new SplitLayer("split", tops);
        try (Blob x = new Blob(e, "x", shape)) {
            List<Blob> top = new ArrayList<>();
            for (int i = 0; i < tops; i++) {
                top.add(new Blob(e, "t" + i, shape));
            }
            layer.setUp(e, List.of(shape));
            float[] xv = RandomData.uniform(r, x.count(), -1, 1);
            x.upload(xv);
            layer.forward(List.of(x), top, Pass.test());
            float[][] expectedTops = SplitReference.forward(xv, tops);
            float[][] diffs = new float[tops][];
            for (int i = 0; i < tops; i++) {
                // Exact: a copy must not change a single bit.
                Tally.requireClose("top " + i, top.get(i).download(), expectedTops[i], 0, 0);
                diffs[i] = RandomData.uniform(r, x.count(), -1, 1);
                top.get(i).uploadDiff(diffs[i]);
            }
            layer.backward(top, List.of(x), new boolean[] {true}, Pass.test());
            // Sums of up to 3 floats in the same order as the reference: exact.
            Tally.requireClose("bottom diff", x.downloadDiff(), SplitReference.backward(diffs), 0, 0);
            new GradientCheck().check(layer, List.of(x), top, new boolean[] {true}, Pass.test()).orThrow();
            top.forEach(Blob::close);
        }
    }
}
