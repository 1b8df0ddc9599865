package org.graft.ops.flatten;

import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.Axes;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.SettingChecks;
import org.graft.layers.ViewLayer;

/**
 * Caffe's "Flatten": merges the axes {@code axis}..{@code end_axis} (both inclusive, negative from the end)
 * into one. A {@link ViewLayer}: the top shares the bottom's buffers, as Caffe's shares its data and diff.
 * Reference: {@link FlattenReference}.
 */
public final class FlattenLayer extends ViewLayer {
    /** Caffe's FlattenParameter. */
    public record Spec(int axis, int endAxis) implements LayerSettings {
        public static final Spec DEFAULT = new Spec(1, -1);

        /** Binds a layer's flatten_param (see {@code LayerType.Binder}); the axes are checked against the bottom's rank. */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.FlattenParameter p = layer.getFlattenParam();
            return new Spec(p.getAxis(), p.getEndAxis());
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.FlattenParameter.Builder p = layer.getFlattenParamBuilder();
            if (axis != DEFAULT.axis) {
                p.setAxis(axis);
            }
            if (endAxis != DEFAULT.endAxis) {
                p.setEndAxis(endAxis);
            }
        }
    }

    private final Spec spec;

    public FlattenLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Flatten";
    }

    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        int[] bottom = bottomShapes.get(0);
        int start = Axes.canonical(this, "flatten_param.axis", spec.axis(), bottom);
        int end = Axes.canonical(this, "flatten_param.end_axis", spec.endAxis(), bottom);
        if (end < start) {
            throw shapeError("flatten_param.end_axis " + spec.endAxis() + " (axis " + end + ") lies before flatten_param.axis "
                    + spec.axis() + " (axis " + start + ")", bottom);
        }
        int[] top = new int[bottom.length - (end - start)];
        System.arraycopy(bottom, 0, top, 0, start);
        top[start] = Axes.dim(this, Axes.count(bottom, start, end + 1), bottom);
        System.arraycopy(bottom, end + 1, top, start + 1, bottom.length - end - 1);
        return LayerShapes.tops(top);
    }
}
