package org.graft.ops.sgd;

/**
 * Plain-Java SGD with momentum, the reference for {@code kernels/sgd.cl}; Caffe's rule per parameter
 * blob (sgd_solver.cpp, L2 regularisation, iter_size 1), every operation rounded to float in the
 * same order as the kernel:
 * <pre>
 *   rate = lr·lr_mult, decay = weight_decay·decay_mult
 *   g ← g + decay·w        (skipped when decay == 0)
 *   v ← momentum·v + rate·g
 *   w ← w − v
 * </pre>
 * A blob with lr_mult 0 is left untouched, history included. The gradient array is not modified.
 */
public final class SgdReference {
    private SgdReference() {
    }

    public static void step(float[] w, float[] g, float[] v, float lr, float momentum, float weightDecay,
                            float lrMult, float decayMult) {
        if (lrMult == 0f) {
            return;
        }
        float rate = lr * lrMult;
        float decay = weightDecay * decayMult;
        for (int i = 0; i < w.length; i++) {
            float gi = g[i];
            if (decay != 0f) {
                gi = gi + decay * w[i];
            }
            float vi = momentum * v[i] + rate * gi;
            v[i] = vi;
            w[i] = w[i] - vi;
        }
    }
}
