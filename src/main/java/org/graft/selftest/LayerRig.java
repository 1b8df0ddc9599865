package org.graft.selftest;

import java.util.ArrayList;
import java.util.List;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Pass;

/** A layer set up on given bottom shapes with its bottom and top blobs; closes all of them. */
public final class LayerRig implements AutoCloseable {
    private final Layer layer;
    private final List<Blob> bottom = new ArrayList<>();
    private final List<Blob> top = new ArrayList<>();
    private final boolean inPlace;

    private LayerRig(Engine e, Layer layer, boolean inPlace, boolean views, List<int[]> bottomShapes) {
        this.layer = layer;
        this.inPlace = inPlace;
        try {
            List<int[]> topShapes = layer.setUp(e, bottomShapes);
            for (int i = 0; i < bottomShapes.size(); i++) {
                bottom.add(new Blob(e, "bottom" + i, bottomShapes.get(i)));
            }
            for (int i = 0; i < topShapes.size(); i++) {
                int viewed = views ? layer.viewedBottom(i) : -1;
                Blob t;
                if (inPlace && i == 0) {
                    t = bottom.get(0);
                } else if (viewed >= 0) {
                    t = Blob.view("top" + i, bottom.get(viewed));
                    t.reshape(topShapes.get(i));
                } else {
                    t = new Blob(e, "top" + i, topShapes.get(i));
                }
                top.add(t);
            }
        } catch (RuntimeException ex) {
            close();
            throw ex;
        }
    }

    /** Any number of bottoms of any shapes; a top the layer views a bottom with ({@link Layer#viewedBottom}) shares its buffers, as in a net. */
    public static LayerRig of(Engine e, Layer layer, int[]... bottomShapes) {
        return new LayerRig(e, layer, false, true, List.of(bottomShapes));
    }

    /** As {@link #of}, but every top has buffers of its own: checks the copying path of layers that usually view their bottom. */
    public static LayerRig ownTops(Engine e, Layer layer, int[]... bottomShapes) {
        return new LayerRig(e, layer, false, false, List.of(bottomShapes));
    }

    /** top[0] is bottom[0] (ReLU, Dropout in place; Scale with its scale as bottom[1]). */
    public static LayerRig inPlace(Engine e, Layer layer, int[]... bottomShapes) {
        return new LayerRig(e, layer, true, false, List.of(bottomShapes));
    }

    public Layer layer() {
        return layer;
    }

    public Blob bottom(int i) {
        return bottom.get(i);
    }

    public Blob top(int i) {
        return top.get(i);
    }

    public List<Blob> bottoms() {
        return bottom;
    }

    public List<Blob> tops() {
        return top;
    }

    public Blob param(int i) {
        return layer.params().get(i).blob();
    }

    public void forward(Pass pass) {
        layer.forward(bottom, top, pass);
    }

    public void backward(boolean[] propagateDown, Pass pass) {
        layer.backward(top, bottom, propagateDown, pass);
    }

    /** Finite-difference check of this rig's layer with the given check. */
    public GradientCheck.Result gradient(GradientCheck check, boolean[] checkBottoms, Pass pass) {
        return check.check(layer, bottom, top, checkBottoms, pass);
    }

    /** As {@link #gradient(GradientCheck, boolean[], Pass)}, checking only the parameters marked in {@code checkParams}. */
    public GradientCheck.Result gradient(GradientCheck check, boolean[] checkBottoms, boolean[] checkParams, Pass pass) {
        return check.check(layer, bottom, top, checkBottoms, checkParams, pass);
    }

    @Override
    public void close() {
        layer.close();
        for (int i = 0; i < top.size(); i++) {
            if (!(inPlace && i == 0)) {
                top.get(i).close();
            }
        }
        bottom.forEach(Blob::close);
    }
}
