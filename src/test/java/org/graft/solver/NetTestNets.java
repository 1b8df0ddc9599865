package org.graft.solver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graft.engine.Engine;
import org.graft.net.Net;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer;

/** Minimal nets over Input blobs for solver-level tests. */
final class NetTestNets {
    private NetTestNets() {
    }

    /** scores [batch, classes] and label [batch] into a SoftmaxWithLoss. */
    static Net lossNet(Engine engine, int batch, int classes) {
        Map<String, int[]> in = new LinkedHashMap<>();
        in.put("scores", new int[] {batch, classes});
        in.put("label", new int[] {batch});
        return new Net(engine, "loss-only", in, List.of(new Net.Entry(new SoftmaxWithLossLayer("loss", SoftmaxWithLossLayer.Spec.defaults()),
                List.of("scores", "label"), List.of("loss"))));
    }
}
