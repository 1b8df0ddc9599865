package org.graft.layers;

import java.util.List;
import org.graft.engine.Engine;

/**
 * A layer that maps each element on its own (ReLU, Dropout): the top has the bottom's shape, and it
 * may run in place (top == bottom), as CaffeNet runs it, saving a blob per layer.
 */
public abstract class ElementwiseLayer extends Layer {
    protected ElementwiseLayer(String name) {
        super(name);
    }

    @Override
    public final boolean allowsInPlace() {
        return true;
    }

    @Override
    public final List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        return shapes(bottomShapes).tops();
    }

    @Override
    public final LayerShapes shapes(List<int[]> bottomShapes) {
        return LayerShapes.tops(bottomShapes.get(0).clone());
    }
}
