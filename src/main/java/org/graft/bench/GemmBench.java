package org.graft.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.kernels.Gemm;
import org.graft.opencl.ClBuffer;

/** Square C = A·B products on the device, with random operands; buffers live until {@link #close}. */
public final class GemmBench implements AutoCloseable {
    private final Engine e;
    private final List<ClBuffer> buffers = new ArrayList<>();

    public GemmBench(Engine e) {
        this.e = e;
    }

    /** n×n×n product on the automatically chosen kernel, or on {@code path} if not null. */
    public BenchCase square(int n, Gemm.Path path) {
        ClBuffer a = random(n * n, "bench.A", 1);
        ClBuffer b = random(n * n, "bench.B", 2);
        ClBuffer c = e.alloc((long) n * n, "bench.C");
        buffers.add(c);
        String name = path == null ? "gemm" : "gemm (" + path.name().toLowerCase() + " kernel)";
        return new BenchCase(name, n + "x" + n + "x" + n, 2.0 * n * n * n, () -> {
            if (path == null) {
                Gemm.gemm(e, false, false, n, n, n, 1f, a, 0, b, 0, 0f, c, 0);
            } else {
                Gemm.overridePath(path);
                try {
                    Gemm.gemm(e, false, false, n, n, n, 1f, a, 0, b, 0, 0f, c, 0);
                } finally {
                    Gemm.overridePath(null);
                }
            }
        });
    }

    private ClBuffer random(int count, String label, long seed) {
        Random r = new Random(seed);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        ClBuffer b = e.alloc(count, label);
        e.cl().writeFloats(b, v);
        buffers.add(b);
        return b;
    }

    @Override
    public void close() {
        buffers.forEach(ClBuffer::close);
        buffers.clear();
    }
}
