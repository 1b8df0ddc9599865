package org.graft.solver;

import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Param;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Launches one fused SGD-with-momentum step ({@code kernels/sgd.cl}) on a parameter blob, with
 * Caffe's per-blob multipliers. A frozen blob (lr_mult 0) is not touched at all: no kernel runs, so
 * its weights and its momentum history stay bit-identical however long training runs.
 * Reference: {@link org.graft.ops.sgd.SgdReference}.
 */
public final class SgdUpdate {
    /** One fixed work-group shape for every blob size: one compile (see {@link Engine#runInGroups}). */
    private static final long[] UPDATE_GROUP = {1024};

    private SgdUpdate() {
    }

    /**
     * w ← w − v with v ← momentum·v + (lr·lr_mult)·(g + (weightDecay·decay_mult)·w), where g is the
     * blob's diff (left unchanged) and v the blob's momentum history (at least as many floats).
     *
     * @return false if the blob is frozen and nothing was launched
     */
    public static boolean apply(Engine e, Param p, ClBuffer history, float lr, float momentum, float weightDecay) {
        if (p.frozen()) {
            return false;
        }
        Blob b = p.blob();
        int n = b.count();
        if (history.bytes() < 4L * n) {
            throw new IllegalArgumentException("SGD history buffer '" + history.label() + "' holds " + history.bytes() / 4
                    + " floats but parameter '" + p.name() + "' " + b.shapeString() + " needs " + n);
        }
        // Products in float, as Caffe computes local_rate and local_decay in Dtype.
        float rate = lr * p.lrMult();
        float decay = weightDecay * p.decayMult();
        ClKernel k = e.kernel("sgd.cl", "sgd_update");
        k.arg(0, b.data()).arg(1, b.diff()).arg(2, history).arg(3, n)
                .arg(4, rate).arg(5, momentum).arg(6, decay);
        e.runInGroups(k, new long[] {n}, UPDATE_GROUP);
        return true;
    }
}
