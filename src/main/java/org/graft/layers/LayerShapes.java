package org.graft.layers;

import java.util.List;

/**
 * The shapes a layer gives its tops and its learnable blobs for given bottom shapes, worked out without a
 * device (see {@link Layer#shapes}); -1 marks a dimension not known (it depends on data not read yet).
 */
public record LayerShapes(List<int[]> tops, List<int[]> params) {
    public LayerShapes {
        tops = List.copyOf(tops);
        params = List.copyOf(params);
    }

    public static LayerShapes tops(int[]... tops) {
        return new LayerShapes(List.of(tops), List.of());
    }
}
