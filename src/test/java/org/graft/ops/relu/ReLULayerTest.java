package org.graft.ops.relu;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

class ReLULayerTest {
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
}
