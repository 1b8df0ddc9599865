package org.graft.data;

/**
 * Bilinear resize with OpenCV's INTER_LINEAR sampling: pixel centres are aligned (source coordinate
 * (d + 0.5)·scale − 0.5), clamped at the borders, and results rounded to whole 8-bit values because Caffe
 * resizes 8-bit images.
 */
final class Bilinear {
    private Bilinear() {
    }

    static void resize(float[] src, int channels, int sh, int sw, float[] dst, int offset, int dh, int dw) {
        int[] y0 = new int[dh];
        float[] fy = new float[dh];
        taps(sh, dh, y0, fy);
        int[] x0 = new int[dw];
        float[] fx = new float[dw];
        taps(sw, dw, x0, fx);
        for (int c = 0; c < channels; c++) {
            int plane = c * sh * sw;
            for (int y = 0; y < dh; y++) {
                int r0 = plane + y0[y] * sw;
                int r1 = y0[y] + 1 < sh ? r0 + sw : r0;
                for (int x = 0; x < dw; x++) {
                    int c0 = x0[x];
                    int c1 = c0 + 1 < sw ? c0 + 1 : c0;
                    float top = src[r0 + c0] + fx[x] * (src[r0 + c1] - src[r0 + c0]);
                    float bottom = src[r1 + c0] + fx[x] * (src[r1 + c1] - src[r1 + c0]);
                    float v = top + fy[y] * (bottom - top);
                    dst[offset + (c * dh + y) * dw + x] = Math.min(255f, Math.max(0f, Math.round(v)));
                }
            }
        }
    }

    /** For each destination index: the left source index and the weight of its right neighbour. */
    private static void taps(int srcSize, int dstSize, int[] first, float[] frac) {
        double scale = (double) srcSize / dstSize;
        for (int d = 0; d < dstSize; d++) {
            double f = (d + 0.5) * scale - 0.5;
            int s = (int) Math.floor(f);
            double w = f - s;
            if (s < 0) {
                s = 0;
                w = 0;
            }
            if (s >= srcSize - 1) {
                s = srcSize - 1;
                w = 0;
            }
            first[d] = s;
            frac[d] = (float) w;
        }
    }
}
