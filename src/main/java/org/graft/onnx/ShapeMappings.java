package org.graft.onnx;

import java.util.ArrayList;
import java.util.List;
import org.graft.net.config.LayerConfig;
import org.graft.ops.concat.ConcatLayer;
import org.graft.ops.crop.CropLayer;
import org.graft.ops.flatten.FlattenLayer;
import org.graft.ops.reshape.ReshapeLayer;
import org.graft.ops.slice.SliceLayer;

/**
 * Concat, Slice, Flatten, Reshape and Crop, registered in {@link LayerMappings}. Shapes come from Graft's own
 * shape inference; where the batch is dynamic, a target shape copies it (0 in ONNX Reshape, as in Caffe) or
 * infers it (-1), and a layer that would fix it is refused with advice to export with --batch N.
 */
final class ShapeMappings {
    private ShapeMappings() {
    }

    static void concat(LayerConfig l, OnnxGraph g) {
        int axis = LayerMappings.canonicalAxis(l, l.settings(ConcatLayer.Spec.class).axis(), g.bottomShape(l, 0).length);
        List<String> in = new ArrayList<>();
        for (int i = 0; i < l.bottom().size(); i++) {
            in.add(g.bottom(l, i));
        }
        g.node(l, "Concat", in, g.top(l, 0)).i("axis", axis);
    }

    /** Slice: one ONNX Slice per top, its start and end along the axis from the tops' sizes. */
    static void slice(LayerConfig l, OnnxGraph g) {
        int axis = LayerMappings.canonicalAxis(l, l.settings(SliceLayer.Spec.class).axis(), g.bottomShape(l, 0).length);
        if (axis == 0 && g.dynamicBatch()) {
            throw OnnxExportException.of(l, "slicing axis 0 cuts the batch; export with --batch N");
        }
        String x = g.bottom(l, 0);
        long start = 0;
        for (int t = 0; t < l.top().size(); t++) {
            long end = start + g.topShape(l, t)[axis];
            g.node(l, "Slice", List.of(x, g.int64s(l.name() + "/starts", start), g.int64s(l.name() + "/ends", end),
                    g.int64s(l.name() + "/axes", axis)), g.top(l, t));
            start = end;
        }
    }

    /**
     * Flatten (Caffe's merges axes [axis, end_axis], ONNX's always to 2-D) and Reshape: ONNX Reshape to
     * Graft's top shape, the batch copied (0) when axis 0 is kept, else inferred (-1) where Caffe's
     * reshape_param infers or copies it.
     */
    static void reshape(LayerConfig l, OnnxGraph g) {
        int[] in = g.bottomShape(l, 0);
        int[] top = g.topShape(l, 0);
        long[] target = new long[top.length];
        for (int a = 0; a < top.length; a++) {
            target[a] = top[a];
        }
        if (g.dynamicBatch()) {
            dynamicBatch(l, in, target);
        }
        String x = g.bottom(l, 0);
        g.node(l, "Reshape", List.of(x, g.int64s(l.name() + "/shape", target)), g.top(l, 0));
    }

    private static void dynamicBatch(LayerConfig l, int[] in, long[] target) {
        if (l.settings() instanceof FlattenLayer.Spec f) {
            // From axis 0 the batch is part of the merged first axis, which is then inferred.
            target[0] = LayerMappings.canonicalAxis(l, f.axis(), in.length) > 0 ? 0 : -1;
            return;
        }
        ReshapeLayer.Spec s = l.settings(ReshapeLayer.Spec.class);
        int axis = s.axis() < 0 ? s.axis() + in.length + 1 : s.axis();
        List<Integer> dims = s.shape();
        if (axis > 0 || !dims.isEmpty() && dims.get(0) == 0) {
            target[0] = 0;  // the batch axis kept or copied
            return;
        }
        int infer = dims.indexOf(-1);
        if (infer >= 0) {
            target[infer] = -1;  // the inferred axis absorbs the batch, the others are fixed
            return;
        }
        throw OnnxExportException.of(l, "its reshape_param.shape fixes the batch size; export with --batch N");
    }

    /** Crop: bottom 0 cut to bottom 1's shape from the axis on, at the offsets: one ONNX Slice (bottom 1 gives only its shape). */
    static void crop(LayerConfig l, OnnxGraph g) {
        CropLayer.Spec s = l.settings(CropLayer.Spec.class);
        int[] x = g.bottomShape(l, 0);
        int[] ref = g.bottomShape(l, 1);
        int axis = LayerMappings.canonicalAxis(l, s.axis(), x.length);
        if (axis == 0 && g.dynamicBatch()) {
            throw OnnxExportException.of(l, "cropping from axis 0 cuts the batch; export with --batch N");
        }
        String in = g.bottom(l, 0);
        g.bottom(l, 1);
        int n = x.length - axis;
        long[] starts = new long[n];
        long[] ends = new long[n];
        long[] axes = new long[n];
        for (int i = 0; i < n; i++) {
            int off = s.offsets().isEmpty() ? 0 : s.offsets().size() == 1 ? s.offsets().get(0) : s.offsets().get(i);
            starts[i] = off;
            ends[i] = off + ref[axis + i];
            axes[i] = axis + i;
        }
        g.node(l, "Slice", List.of(in, g.int64s(l.name() + "/starts", starts), g.int64s(l.name() + "/ends", ends),
                g.int64s(l.name() + "/axes", axes)), g.top(l, 0));
    }
}
