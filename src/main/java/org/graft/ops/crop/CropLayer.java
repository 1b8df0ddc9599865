package org.graft.ops.crop;

import java.util.ArrayList;
import java.util.Arrays;
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
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "Crop" (FCN's alignment of upsampled scores with the input): bottom[0] cropped to bottom[1]'s
 * dims on the axes from {@code axis} on, starting at {@code offset} (none: 0; one: for every cropped axis;
 * else one per cropped axis). Backward pads the top's diff with zeros; bottom[1] only gives a shape, so it
 * has no gradient. Kernels: crop.cl, which read a small per-axis layout buffer written at setUp; reference:
 * {@link CropReference}.
 */
public final class CropLayer extends Layer {
    /** Caffe's CropParameter. */
    public record Spec(int axis, List<Integer> offsets) implements LayerSettings {
        public static final Spec DEFAULT = new Spec(2, List.of());

        public Spec {
            offsets = List.copyOf(offsets);
        }

        /** Binds a layer's crop_param (see {@code LayerType.Binder}); axis and the number of offsets are checked against the bottoms' rank. */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.CropParameter p = layer.getCropParam();
            List<Integer> offsets = new ArrayList<>();
            for (int i = 0; i < p.getOffsetCount(); i++) {
                if (p.getOffset(i) < 0) {
                    throw c.error(path + ".crop_param.offset[" + i + "]", "expected an offset < 2^31, found "
                            + Integer.toUnsignedString(p.getOffset(i)));
                }
                offsets.add(p.getOffset(i));
            }
            return new Spec(p.getAxis(), offsets);
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.CropParameter.Builder p = layer.getCropParamBuilder();
            if (axis != DEFAULT.axis) {
                p.setAxis(axis);
            }
            p.addAllOffset(offsets);
        }
    }

    private static final String KERNELS = "crop.cl";
    private final Spec spec;
    private int rank;
    private ClBuffer layout;

    public CropLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Crop";
    }

    @Override
    public int exactBottoms() {
        return 2;
    }

    @Override
    public boolean allowForceBackward(int bottom) {
        return bottom == 0;
    }

    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        int[] x = bottomShapes.get(0);
        int[] ref = bottomShapes.get(1);
        int[] offsets = offsets(x);
        if (ref.length != x.length) {
            throw new IllegalArgumentException("layer '" + name + "' (Crop): bottom[1] has shape " + Arrays.toString(ref)
                    + " but bottom[0] has shape " + Arrays.toString(x) + "; both need the same number of axes");
        }
        int[] top = x.clone();
        for (int d = Axes.canonical(this, "crop_param.axis", spec.axis(), x); d < x.length; d++) {
            top[d] = ref[d];
            if (x[d] >= 0 && ref[d] >= 0 && offsets[d] + (long) ref[d] > x[d]) {
                throw new IllegalArgumentException("layer '" + name + "' (Crop): axis " + d + ": offset " + offsets[d] + " + size "
                        + ref[d] + " of bottom[1] " + Arrays.toString(ref) + " runs past size " + x[d] + " of bottom[0] " + Arrays.toString(x));
            }
        }
        return LayerShapes.tops(top);
    }

    /** The offset on each axis of {@code x}: 0 before {@code axis}, then as crop_param.offset says. */
    private int[] offsets(int[] x) {
        int a = Axes.canonical(this, "crop_param.axis", spec.axis(), x);
        List<Integer> given = spec.offsets();
        if (given.size() > 1 && given.size() != x.length - a) {
            throw shapeError("crop_param.offset has " + given.size() + " values; expected none, one, or one per cropped axis ("
                    + (x.length - a) + " from axis " + a + ")", x);
        }
        int[] offsets = new int[x.length];
        for (int d = a; d < x.length; d++) {
            offsets[d] = given.isEmpty() ? 0 : given.get(given.size() == 1 ? 0 : d - a);
        }
        return offsets;
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        int[] x = bottomShapes.get(0);
        int[] top = shapes(bottomShapes).tops().get(0);
        rank = x.length;
        int[] table = new int[3 * Math.max(rank, 1)];
        int[] offsets = offsets(x);
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            table[d] = top[d];
            table[rank + d] = stride;
            table[2 * rank + d] = offsets[d];
            stride *= x[d];
        }
        if (layout == null || layout.bytes() < table.length * 4L) {
            closeLayout();
            layout = engine.alloc(table.length, name + ".crop_layout");
        }
        engine.cl().writeInts(layout, 0, table, 0, table.length);
        return List.of(top);
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        run("crop_forward", top.get(0).count(), bottom.get(0).data(), top.get(0).data());
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0]) {
            return;
        }
        bottom.get(0).zeroDiff();
        run("crop_backward", top.get(0).count(), top.get(0).diff(), bottom.get(0).diff());
    }

    private void run(String kernel, int n, ClBuffer from, ClBuffer to) {
        if (n == 0) {
            return;
        }
        ClKernel k = engine.kernel(KERNELS, kernel);
        k.arg(0, n).arg(1, rank).arg(2, layout).arg(3, from).arg(4, to);
        engine.run1d(k, n);
    }

    private void closeLayout() {
        if (layout != null) {
            layout.close();
            layout = null;
        }
    }

    @Override
    public void close() {
        super.close();
        closeLayout();
    }
}
