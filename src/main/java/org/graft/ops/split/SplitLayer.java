package org.graft.ops.split;

import java.util.ArrayList;
import java.util.List;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.LayerShapes;
import org.graft.layers.Pass;
import org.graft.opencl.ClKernel;

/**
 * Caffe's Split layer: copies its bottom to k tops; backward sums the k top gradients. The net inserts
 * it wherever one blob is consumed by several layers (Caffe's implicit splitting).
 * Kernel: {@code kernels/split.cl}; reference: {@link org.graft.ops.split.SplitReference}.
 */
public final class SplitLayer extends Layer {
    private final int tops;
    private int count;

    public SplitLayer(String name, int tops) {
        super(name);
        if (tops < 1) {
            throw new IllegalArgumentException("layer '" + name + "' (Split) needs at least one top");
        }
        this.tops = tops;
    }

    @Override
    public String type() {
        return "Split";
    }

    @Override
    public int exactTops() {
        return tops;
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        count = Blob.count(bottomShapes.get(0));
        return shapes(bottomShapes).tops();
    }

    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < tops; i++) {
            out.add(bottomShapes.get(0).clone());
        }
        return new LayerShapes(out, List.of());
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        for (Blob t : top) {
            engine.cl().copy(bottom.get(0).data(), 0, t.data(), 0, count * 4L);
        }
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0]) {
            return;
        }
        Blob b = bottom.get(0);
        engine.cl().copy(top.get(0).diff(), 0, b.diff(), 0, count * 4L);
        ClKernel add = engine.kernel("split.cl", "add_into");
        for (int i = 1; i < top.size(); i++) {
            add.arg(0, count).arg(1, b.diff()).arg(2, top.get(i).diff());
            engine.run1d(add, count);
        }
    }
}
