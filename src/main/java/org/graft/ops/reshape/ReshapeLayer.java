package org.graft.ops.reshape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.SettingChecks;
import org.graft.layers.ViewLayer;

/**
 * Caffe's "Reshape": replaces the bottom's axes [axis, axis + num_axes) by {@code shape}, where a 0 copies
 * the bottom's dim at that place and one −1 is inferred from the count. A {@link ViewLayer}: the top shares
 * the bottom's buffers, as Caffe's shares its data and diff. Reference: {@link ReshapeReference}.
 */
public final class ReshapeLayer extends ViewLayer {
    /** Caffe's ReshapeParameter: the new dims (0 = copy, −1 = infer, at most one), the first axis replaced, how many (−1 = all the rest). */
    public record Spec(List<Integer> shape, int axis, int numAxes) implements LayerSettings {
        public static final Spec DEFAULT = new Spec(List.of(), 0, -1);

        public Spec {
            shape = List.copyOf(shape);
        }

        /** Binds a layer's reshape_param (see {@code LayerType.Binder}); axis and num_axes are checked against the bottom's rank. */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.ReshapeParameter p = layer.getReshapeParam();
            List<Integer> dims = new ArrayList<>();
            int inferred = -1;
            for (int i = 0; i < p.getShape().getDimCount(); i++) {
                long d = p.getShape().getDim(i);
                String at = path + ".reshape_param.shape.dim[" + i + "]";
                if (d < -1 || d > Integer.MAX_VALUE) {
                    throw c.error(at, "expected a dimension >= 0, 0 (copy the bottom's) or -1 (inferred), found " + d);
                }
                if (d == -1 && inferred >= 0) {
                    throw c.error(at, "expected at most one -1 (inferred) dimension, found a second after dim[" + inferred + "]");
                }
                if (d == -1) {
                    inferred = i;
                }
                dims.add((int) d);
            }
            c.atLeast(p.getNumAxes(), -1, path + ".reshape_param.num_axes");
            return new Spec(dims, p.getAxis(), p.getNumAxes());
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.ReshapeParameter.Builder p = layer.getReshapeParamBuilder();
            if (!shape.isEmpty()) {
                Caffe.BlobShape.Builder s = p.getShapeBuilder();
                shape.forEach(d -> s.addDim(d));
            }
            if (axis != DEFAULT.axis) {
                p.setAxis(axis);
            }
            if (numAxes != DEFAULT.numAxes) {
                p.setNumAxes(numAxes);
            }
        }
    }

    private final Spec spec;

    public ReshapeLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Reshape";
    }

    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        int[] bottom = bottomShapes.get(0);
        int rank = bottom.length;
        int start = spec.axis() >= 0 ? spec.axis() : rank + spec.axis() + 1;
        if (start < 0 || start > rank) {
            throw shapeError("reshape_param.axis " + spec.axis() + " must lie in [-" + (rank + 1) + ", " + rank + "] for a blob of "
                    + rank + " axes", bottom);
        }
        int end = spec.numAxes() == -1 ? rank : start + spec.numAxes();
        if (end > rank) {
            throw shapeError("reshape_param.num_axes " + spec.numAxes() + " from axis " + start + " goes past the last axis", bottom);
        }
        List<Integer> dims = spec.shape();
        int[] top = new int[rank - (end - start) + dims.size()];
        System.arraycopy(bottom, 0, top, 0, start);
        System.arraycopy(bottom, end, top, start + dims.size(), rank - end);
        int inferred = -1;
        for (int i = 0; i < dims.size(); i++) {
            int d = dims.get(i);
            if (d == 0) {
                if (start + i >= rank) {
                    throw shapeError("reshape_param.shape.dim[" + i + "] is 0 (copy), but the bottom has no axis " + (start + i)
                            + " to copy", bottom);
                }
                d = bottom[start + i];
            } else if (d == -1) {
                inferred = start + i;
            }
            top[start + i] = d;
        }
        long bottomCount = count(bottom, -1);
        long explicit = count(top, inferred);
        if (inferred >= 0) {
            if (bottomCount >= 0 && explicit == 0) {
                throw refused(bottom, "cannot infer the -1 dimension: the other dimensions multiply to 0");
            }
            if (bottomCount >= 0 && explicit > 0 && bottomCount % explicit != 0) {
                throw refused(bottom, "cannot infer the -1 dimension: " + bottomCount + " elements do not divide by the other dimensions' "
                        + explicit);
            }
            top[inferred] = bottomCount < 0 || explicit < 0 ? -1 : (int) (bottomCount / explicit);
        } else if (bottomCount >= 0 && explicit >= 0 && bottomCount != explicit) {
            throw refused(bottom, "the top shape " + Arrays.toString(top) + " has " + explicit + " elements, the bottom " + bottomCount);
        }
        return LayerShapes.tops(top);
    }

    private IllegalArgumentException refused(int[] bottom, String why) {
        return shapeError("reshape_param.shape " + spec.shape() + (spec.axis() != 0 ? " at axis " + spec.axis() : "")
                + (spec.numAxes() != -1 ? " over " + spec.numAxes() + " axes" : "") + ": " + why, bottom);
    }

    /** The product of all dims but {@code skip}'s, -1 if one of them is unknown. */
    private static long count(int[] shape, int skip) {
        long c = 1;
        for (int i = 0; i < shape.length; i++) {
            if (i == skip) {
                continue;
            }
            if (shape[i] < 0) {
                return -1;
            }
            c *= shape[i];
        }
        return c;
    }
}
