package org.graft.layers;

/**
 * A layer that can take over the in-place ReLU (negative_slope 0) that follows it: its output pass applies
 * max(v, 0) and its backward the ReLU's mask (top &gt; 0) while reading the top diff, so the activations are
 * read and written once less each way. The net decides ({@code org.graft.net.LayerFusion}); the ReLU layer
 * then does nothing ({@link org.graft.ops.relu.ReLULayer#fusedInto}).
 */
public interface ReluFusable {
    /** Turns the fused ReLU on or off; results equal those of the separate ReLU to the bit. */
    void fuseRelu(boolean on);

    boolean reluFused();
}
