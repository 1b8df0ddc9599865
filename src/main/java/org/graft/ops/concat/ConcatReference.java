package org.graft.ops.concat;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain-Java Concat (Caffe's concat_layer.cpp), the reference for {@code kernels/concat.cl}: {@link #join}
 * lays the parts side by side along one axis (Concat forward, Slice backward), {@link #split} cuts a blob
 * into parts along it (Concat backward, Slice forward). Shapes as (outer, axis, inner) around that axis.
 */
public final class ConcatReference {
    private ConcatReference() {
    }

    /** Joins {@code parts} (part i is outer × axisSizes[i] × inner) along the middle axis. */
    public static float[] join(List<float[]> parts, int[] axisSizes, int outer, int inner) {
        int total = 0;
        for (int s : axisSizes) {
            total += s;
        }
        float[] whole = new float[outer * total * inner];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (int p = 0; p < parts.size(); p++) {
                float[] part = parts.get(p);
                for (int k = 0; k < axisSizes[p]; k++) {
                    for (int r = 0; r < inner; r++) {
                        whole[pos++] = part[(o * axisSizes[p] + k) * inner + r];
                    }
                }
            }
        }
        return whole;
    }

    /** Cuts {@code whole} (outer × Σ axisSizes × inner) into parts of axisSizes[i] along the middle axis. */
    public static List<float[]> split(float[] whole, int[] axisSizes, int outer, int inner) {
        List<float[]> parts = new ArrayList<>();
        for (int s : axisSizes) {
            parts.add(new float[outer * s * inner]);
        }
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (int p = 0; p < parts.size(); p++) {
                float[] part = parts.get(p);
                for (int k = 0; k < axisSizes[p]; k++) {
                    for (int r = 0; r < inner; r++) {
                        part[(o * axisSizes[p] + k) * inner + r] = whole[pos++];
                    }
                }
            }
        }
        return parts;
    }
}
