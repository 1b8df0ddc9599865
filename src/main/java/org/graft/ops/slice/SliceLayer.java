package org.graft.ops.slice;

import java.util.ArrayList;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Axes;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.ops.concat.ConcatLayer;

/**
 * Caffe's "Slice": cuts its bottom along {@code axis} into several tops, at the slice points or, without
 * them, into equal parts. Backward puts each top's diff back into its window of the bottom's diff (the
 * windows cover the bottom). The inverse of Concat, so it runs Concat's window copies (concat.cl);
 * reference: {@link SliceReference}.
 */
public final class SliceLayer extends Layer {
    /** Caffe's SliceParameter; the old {@code slice_dim} binds as the same (non-negative) axis. */
    public record Spec(int axis, List<Integer> slicePoints) implements LayerSettings {
        public static final Spec DEFAULT = new Spec(1, List.of());

        public Spec {
            slicePoints = List.copyOf(slicePoints);
        }

        /**
         * Binds a layer's slice_param (see {@code LayerType.Binder}): slice points strictly increasing from above 0,
         * one fewer than the layer's tops; whether they lie inside the axis is checked against the bottom's shape.
         */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.SliceParameter p = layer.getSliceParam();
            if (p.hasAxis() && p.hasSliceDim()) {
                throw c.error(path + ".slice_param", "expected axis or slice_dim, found both");
            }
            if (p.hasSliceDim() && p.getSliceDim() < 0) {
                throw c.error(path + ".slice_param.slice_dim", "expected an axis < 2^31, found " + Integer.toUnsignedString(p.getSliceDim()));
            }
            int axis = p.hasSliceDim() ? p.getSliceDim() : p.getAxis();
            List<Integer> points = new ArrayList<>();
            long prev = 0;
            for (int i = 0; i < p.getSlicePointCount(); i++) {
                long point = Integer.toUnsignedLong(p.getSlicePoint(i));
                if (point <= prev || point > Integer.MAX_VALUE) {
                    throw c.error(path + ".slice_param.slice_point[" + i + "]", "expected slice points that increase strictly from above 0, found "
                            + point + (i == 0 ? "" : " after " + prev));
                }
                points.add((int) point);
                prev = point;
            }
            if (!points.isEmpty() && points.size() != layer.getTopCount() - 1) {
                throw c.error(path + ".slice_param.slice_point", "expected one slice point fewer than the " + layer.getTopCount()
                        + " tops, found " + points.size());
            }
            return new Spec(axis, points);
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.SliceParameter.Builder p = layer.getSliceParamBuilder();
            if (axis != DEFAULT.axis) {
                p.setAxis(axis);
            }
            p.addAllSlicePoint(slicePoints);
        }
    }

    private final Spec spec;
    private final int tops;
    private int axis;

    public SliceLayer(String name, Spec spec, int tops) {
        super(name);
        if (tops < 1 || !spec.slicePoints().isEmpty() && spec.slicePoints().size() != tops - 1) {
            throw new IllegalArgumentException("layer '" + name + "' (Slice): " + spec.slicePoints().size()
                    + " slice points need " + (spec.slicePoints().size() + 1) + " tops, not " + tops);
        }
        this.spec = spec;
        this.tops = tops;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Slice";
    }

    @Override
    public int exactTops() {
        return tops;
    }

    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        int[] bottom = bottomShapes.get(0);
        int a = Axes.canonical(this, "slice_param.axis", spec.axis(), bottom);
        int size = bottom[a];
        int[] sizes = new int[tops];
        List<Integer> points = spec.slicePoints();
        if (points.isEmpty()) {
            if (size >= 0 && size % tops != 0) {
                throw shapeError("axis " + a + " of size " + size + " cannot be cut into " + tops + " equal parts", bottom);
            }
            java.util.Arrays.fill(sizes, size < 0 ? -1 : size / tops);
        } else {
            int last = points.get(points.size() - 1);
            if (size >= 0 && last >= size) {
                throw shapeError("slice_param.slice_point " + last + " must lie inside axis " + a + " of size " + size, bottom);
            }
            int prev = 0;
            for (int i = 0; i < points.size(); i++) {
                sizes[i] = points.get(i) - prev;
                prev = points.get(i);
            }
            sizes[tops - 1] = size < 0 ? -1 : size - prev;
        }
        List<int[]> out = new ArrayList<>();
        for (int s : sizes) {
            int[] top = bottom.clone();
            top[a] = s;
            out.add(top);
        }
        return new LayerShapes(out, List.of());
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        List<int[]> out = shapes(bottomShapes).tops();
        axis = Axes.canonical(this, "slice_param.axis", spec.axis(), bottomShapes.get(0));
        return out;
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob whole = bottom.get(0);
        int offset = 0;
        for (Blob part : top) {
            ConcatLayer.window(engine, "window_read", whole.data(), part.data(), part, whole, axis, offset);
            offset += part.shape(axis);
        }
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0]) {
            return;
        }
        Blob whole = bottom.get(0);
        int offset = 0;
        for (Blob part : top) {
            ConcatLayer.window(engine, "window_write", part.diff(), whole.diff(), part, whole, axis, offset);
            offset += part.shape(axis);
        }
    }
}
