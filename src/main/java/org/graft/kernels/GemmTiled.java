package org.graft.kernels;

import org.graft.engine.Engine;
import org.graft.opencl.ClKernel;
import org.graft.opencl.DeviceInfo;

/**
 * The GPU path of {@link Gemm}: {@code gemm_tiled} in {@code kernels/gemm.cl}, local-memory tiles with
 * register blocking, reading the caller's matrices in place. Its k loop has barriers, so it is never
 * chosen for CPU devices (PoCL's compiler has aborted on barriers inside loops).
 */
final class GemmTiled {
    /**
     * A tile shape: the work-group computes tsM×tsN of C, k-steps of tsK, each work-item wptM×wptN.
     * Work-group size is (tsN/wptN)·(tsM/wptM).
     */
    record Config(int tsM, int tsN, int tsK, int wptM, int wptN) {
        Config {
            if (tsM % wptM != 0 || tsN % wptN != 0 || tsK < 1) {
                throw new IllegalArgumentException("gemm tile config: tile sizes must be multiples of the per-work-item block, got " + this);
            }
        }

        int localX() {
            return tsN / wptN;
        }

        int localY() {
            return tsM / wptM;
        }

        long localBytes() {
            return 4L * tsK * (tsM + tsN + 2);
        }

        String defines(boolean transA, boolean transB) {
            return "-DGEMM_ONLY=3 -DTRANS_A=" + GemmMicro.bit(transA) + " -DTRANS_B=" + GemmMicro.bit(transB)
                    + " -DTS_M=" + tsM + " -DTS_N=" + tsN + " -DTS_K=" + tsK + " -DWPT_M=" + wptM + " -DWPT_N=" + wptN;
        }
    }

    /** Largest first: 64×64 tiles need 256 work-items per group, 32×32 need 64, 16×16 need 16. */
    private static final Config[] CANDIDATES = {
        new Config(64, 64, 16, 4, 4),
        new Config(32, 32, 16, 4, 4),
        new Config(16, 16, 8, 4, 4),
    };

    private GemmTiled() {
    }

    /** The biggest candidate tile the device can hold (work-group size and local memory); null if none. */
    static Config choose(DeviceInfo d) {
        for (Config c : CANDIDATES) {
            if (fits(d, c)) {
                return c;
            }
        }
        return null;
    }

    /**
     * Runs the product on the biggest candidate tile that both the device and the compiled kernel
     * (CL_KERNEL_WORK_GROUP_SIZE, which register use can lower) accept; false if none does.
     */
    static boolean runBestFit(Engine e, GemmCall x) {
        for (Config c : CANDIDATES) {
            if (fits(e.device(), c) && run(e, x, c)) {
                return true;
            }
        }
        return false;
    }

    static boolean fits(DeviceInfo d, Config c) {
        return (long) c.localX() * c.localY() <= d.maxWorkGroupSize()
                && c.localX() <= d.maxWorkItemSizes()[0] && c.localY() <= d.maxWorkItemSizes()[1]
                && c.localBytes() <= d.localMemBytes();
    }

    /** Runs the product with tile {@code cfg}; returns false (nothing enqueued) if the compiled kernel cannot take that work-group size. */
    static boolean run(Engine e, GemmCall x, Config cfg) {
        ClKernel kern = e.kernel("gemm.cl", cfg.defines(x.transA(), x.transB()), "gemm_tiled");
        long groupSize = (long) cfg.localX() * cfg.localY();
        if (groupSize > kern.maxWorkGroupSize()) {
            return false;
        }
        kern.arg(0, x.m()).arg(1, x.n()).arg(2, x.k()).arg(3, x.alpha())
                .arg(4, x.a()).arg(5, x.offA()).arg(6, x.lda()).arg(7, x.strideA())
                .arg(8, x.b()).arg(9, x.offB()).arg(10, x.ldb()).arg(11, x.strideB())
                .arg(12, x.beta()).arg(13, x.c()).arg(14, x.offC()).arg(15, x.ldc()).arg(16, x.strideC());
        long gx = (long) GemmMicro.ceilDiv(x.n(), cfg.tsN()) * cfg.localX();
        long gy = (long) GemmMicro.ceilDiv(x.m(), cfg.tsM()) * cfg.localY();
        e.run(kern, new long[] {gx, gy, x.batch()}, new long[] {cfg.localX(), cfg.localY(), 1});
        return true;
    }
}
