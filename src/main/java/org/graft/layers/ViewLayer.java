package org.graft.layers;

import java.util.List;
import org.graft.engine.Blob;
import org.graft.engine.Engine;

/**
 * A layer whose top is its bottom with another shape (Caffe's Flatten and Reshape, which share the
 * bottom's data and diff): the net makes the top a {@link Blob#view} of the bottom ({@link #viewedBottom}),
 * so forward and backward move nothing and the top costs no device memory. Given a top with buffers of its
 * own (a rig checking it, or a net built otherwise) it copies, with clEnqueueCopyBuffer, so no kernel file.
 * Not in place: Caffe refuses it, and the top is a view anyway.
 */
public abstract class ViewLayer extends Layer {
    protected ViewLayer(String name) {
        super(name);
    }

    @Override
    public final int viewedBottom(int top) {
        return top == 0 ? 0 : -1;
    }

    @Override
    public final List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        return shapes(bottomShapes).tops();
    }

    @Override
    public final void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob b = bottom.get(0);
        Blob t = top.get(0);
        if (!t.sharesBuffersWith(b) && b.count() > 0) {
            engine.cl().copy(b.data(), 0, t.data(), 0, b.count() * 4L);
        }
    }

    @Override
    public final void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        Blob b = bottom.get(0);
        Blob t = top.get(0);
        if (propagateDown[0] && !t.sharesBuffersWith(b) && b.count() > 0) {
            engine.cl().copy(t.diff(), 0, b.diff(), 0, b.count() * 4L);
        }
    }
}
