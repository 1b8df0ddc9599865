package org.graft.kernels;

import java.util.Map;
import java.util.WeakHashMap;
import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClContext;

/**
 * The packing buffers of the CPU GEMM path, one pair per OpenCL context, grown on demand and reused
 * by every call: allocating per call would cost fresh page faults on every product. Reuse is safe
 * because the context's queue is in order (the next call's packing runs after this call's kernel).
 */
final class GemmWorkspace {
    private static final Map<ClContext, GemmWorkspace> BY_CONTEXT = new WeakHashMap<>();

    private final ClContext cl;
    private ClBuffer packedA;
    private ClBuffer packedB;

    private GemmWorkspace(ClContext cl) {
        this.cl = cl;
    }

    static synchronized GemmWorkspace of(Engine e) {
        return BY_CONTEXT.computeIfAbsent(e.cl(), GemmWorkspace::new);
    }

    /** Frees the engine's packing buffers (they come back on the next call that needs them). */
    static synchronized void release(Engine e) {
        GemmWorkspace w = BY_CONTEXT.remove(e.cl());
        if (w != null) {
            w.close();
        }
    }

    synchronized ClBuffer packedA(long floats) {
        packedA = ensure(packedA, floats, "gemm.packedA");
        return packedA;
    }

    synchronized ClBuffer packedB(long floats) {
        packedB = ensure(packedB, floats, "gemm.packedB");
        return packedB;
    }

    private ClBuffer ensure(ClBuffer current, long floats, String label) {
        long bytes = Math.max(1, floats) * 4L;
        if (current != null && current.bytes() >= bytes) {
            return current;
        }
        if (current != null) {
            current.close();
        }
        return cl.createBuffer(bytes, label);
    }

    private synchronized void close() {
        if (packedA != null) {
            packedA.close();
            packedA = null;
        }
        if (packedB != null) {
            packedB.close();
            packedB = null;
        }
    }
}
