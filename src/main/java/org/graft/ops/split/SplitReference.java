package org.graft.ops.split;

/** Plain-Java Split: forward copies, backward sums the top gradients (reference for kernels/split.cl). */
public final class SplitReference {
    private SplitReference() {
    }

    public static float[][] forward(float[] x, int tops) {
        float[][] out = new float[tops][];
        for (int i = 0; i < tops; i++) {
            out[i] = x.clone();
        }
        return out;
    }

    public static float[] backward(float[][] topDiffs) {
        float[] dx = new float[topDiffs[0].length];
        for (float[] d : topDiffs) {
            for (int i = 0; i < dx.length; i++) {
                dx[i] += d[i];
            }
        }
        return dx;
    }
}
