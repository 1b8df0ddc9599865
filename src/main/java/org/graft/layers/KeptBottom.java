package org.graft.layers;

import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;

/**
 * The bottom data of a layer whose backward pass needs it (PReLU, Power, Clip) while the layer may run in
 * place, where forward overwrites it: then a device copy is kept (Caffe's PReLU {@code bottom_memory_}),
 * otherwise the bottom itself serves. Close it with the layer.
 */
public final class KeptBottom implements AutoCloseable {
    private ClBuffer copy;
    private long capacity;
    private boolean kept;

    /** Call in forward before the top is written: copies the bottom when {@code top} is {@code bottom}. */
    public void keep(Engine engine, Blob bottom, Blob top) {
        kept = bottom == top;
        if (!kept) {
            return;
        }
        long n = bottom.count();
        if (n > capacity) {
            close();
            copy = engine.alloc(n, bottom.name() + ".kept");
            capacity = n;
        }
        engine.cl().copy(bottom.data(), 0, copy, 0, n * 4L);
    }

    /** The bottom data of the last forward pass, for backward. */
    public ClBuffer data(Blob bottom, Blob top) {
        if (bottom != top) {
            return bottom.data();
        }
        if (!kept) {
            throw new IllegalStateException("blob '" + bottom.name() + "': backward in place before a forward pass kept its bottom");
        }
        return copy;
    }

    @Override
    public void close() {
        if (copy != null) {
            copy.close();
            copy = null;
        }
        capacity = 0;
    }
}
