package org.graft.kernels;

import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;
import org.graft.opencl.DeviceInfo;

/**
 * Launches {@code kernels/gemm.cl}: C = alpha·op(A)·op(B) + beta·C on row-major matrices, optionally a
 * batch of equally strided products. Used by convolution (im2col) and inner product. beta = 0 never
 * reads C. Reference: {@link org.graft.ops.gemm.GemmReference}.
 *
 * <p>Three implementations, chosen per device and size ({@link #choosePath}): a register-blocked
 * micro-kernel with operand packing for CPUs ({@link GemmMicro}), local-memory tiles for GPUs
 * ({@link GemmTiled}), and the small portable kernel for tiny products, where the extra launches of
 * the others cost more than they save. With tuning on ({@link Engine#enableGemmTuning}) the choice
 * is made by timing instead: {@link GemmTuner}.
 */
public final class Gemm {
    /** Products with fewer multiply-adds than this (per batch entry) take the simple kernel (measured crossover ~100³ on PoCL). */
    static final long SIMPLE_MAX_WORK = 64L * 64 * 64;
    private static final int TM = 4;
    private static final int TN = 4;

    /** The kernels behind {@link #batched}: the original portable one, the CPU micro-kernel, the GPU tiles. */
    public enum Path { SIMPLE, MICRO, TILED }

    /** Set only by benchmarks ({@link #overridePath}) to time every caller on one kernel; null = choose. */
    private static volatile Path override;

    private Gemm() {
    }

    /** Single product; offsets and leading dimensions are in floats. */
    public static void gemm(Engine e, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            ClBuffer a, int offA, int lda, ClBuffer b, int offB, int ldb,
                            float beta, ClBuffer c, int offC, int ldc) {
        batched(e, transA, transB, m, n, k, alpha, a, offA, lda, 0, b, offB, ldb, 0, beta, c, offC, ldc, 0, 1);
    }

    /** Convenience for dense, unpadded operands (lda/ldb/ldc implied by the shapes). */
    public static void gemm(Engine e, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            ClBuffer a, int offA, ClBuffer b, int offB, float beta, ClBuffer c, int offC) {
        gemm(e, transA, transB, m, n, k, alpha, a, offA, transA ? m : k, b, offB, transB ? k : n, beta, c, offC, n);
    }

    /** {@code batch} products, the i-th on A + i·strideA, B + i·strideB, C + i·strideC. */
    public static void batched(Engine e, boolean transA, boolean transB, int m, int n, int k, float alpha,
                               ClBuffer a, int offA, int lda, int strideA, ClBuffer b, int offB, int ldb, int strideB,
                               float beta, ClBuffer c, int offC, int ldc, int strideC, int batch) {
        GemmCall call = new GemmCall(transA, transB, false, m, n, k, alpha, a, offA, lda, strideA,
                b, offB, ldb, strideB, beta, c, offC, ldc, strideC, batch);
        Path forced = override;
        GemmTuner tuner = e.gemmTuner();
        if (forced == null && tuner != null && worthTuning(call)) {
            check(call);
            tuner.run(e, call);
        } else {
            run(e, forced != null ? forced : choosePath(e.device(), call), call);
        }
    }

    /**
     * For benchmarks only: makes every following product run on {@code path} (null restores the
     * automatic choice), so layers can be timed on the old kernel for comparison.
     */
    public static void overridePath(Path path) {
        override = path;
    }

    /** Frees the packing buffers the CPU path keeps for {@code e} (they are re-created when needed). */
    public static void releaseWorkspace(Engine e) {
        GemmWorkspace.release(e);
    }

    /** Tiny or empty products always take the simple kernel: nothing to gain from timing them. */
    static boolean worthTuning(GemmCall call) {
        return call.m() > 0 && call.n() > 0 && call.batch() > 0 && call.k() > 0
                && (long) call.m() * call.n() * call.k() >= SIMPLE_MAX_WORK;
    }

    static Path choosePath(DeviceInfo d, GemmCall call) {
        if (call.k() == 0 || (long) call.m() * call.n() * call.k() < SIMPLE_MAX_WORK) {
            return Path.SIMPLE;
        }
        if (d.isGpu() && GemmTiled.choose(d) != null) {
            return Path.TILED;
        }
        return Path.MICRO;
    }

    /** Runs {@code call} on the given path (a path that cannot run on this device falls back to MICRO). */
    static void run(Engine e, Path path, GemmCall call) {
        check(call);
        if (call.m() == 0 || call.n() == 0 || call.batch() == 0) {
            return;
        }
        switch (path) {
            case SIMPLE -> simple(e, call);
            case MICRO -> {
                if (call.k() == 0) {
                    simple(e, call); // only scales C; nothing to pack
                } else {
                    GemmMicro.run(e, call, GemmMicro.forDevice(e.device()));
                }
            }
            case TILED -> {
                if (!GemmTiled.runBestFit(e, call)) {
                    run(e, Path.MICRO, call);
                }
            }
        }
    }

    private static void check(GemmCall x) {
        if (x.m() < 0 || x.n() < 0 || x.k() < 0 || x.batch() < 0) {
            throw new IllegalArgumentException(String.format("gemm: sizes must be >= 0, got M=%d N=%d K=%d batch=%d",
                    x.m(), x.n(), x.k(), x.batch()));
        }
        requireLd("lda", x.lda(), x.transA() ? x.m() : x.k());
        requireLd("ldb", x.ldb(), x.transB() ? x.k() : x.n());
        requireLd("ldc", x.ldc(), x.n());
    }

    private static void requireLd(String name, int ld, int width) {
        if (ld < width) {
            throw new IllegalArgumentException("gemm: " + name + " must be at least the row width " + width + ", got " + ld);
        }
    }

    private static void simple(Engine e, GemmCall x) {
        String defines = "-DGEMM_ONLY=4 -DTRANS_A=" + GemmMicro.bit(x.transA()) + " -DTRANS_B=" + GemmMicro.bit(x.transB())
                + " -DTM=" + TM + " -DTN=" + TN;
        ClKernel kern = e.kernel("gemm.cl", defines, "gemm_simple");
        int colStride = GemmMicro.ceilDiv(x.n(), TN);
        int rowBlocks = GemmMicro.ceilDiv(x.m(), TM);
        kern.arg(0, x.m()).arg(1, x.n()).arg(2, x.k()).arg(3, x.alpha())
                .arg(4, x.a()).arg(5, x.offA()).arg(6, x.lda()).arg(7, x.strideA())
                .arg(8, x.b()).arg(9, x.offB()).arg(10, x.ldb()).arg(11, x.strideB())
                .arg(12, x.beta()).arg(13, x.c()).arg(14, x.offC()).arg(15, x.ldc()).arg(16, x.strideC())
                .arg(17, colStride);
        e.run(kern, new long[] {colStride, rowBlocks, x.batch()}, null);
    }
}
