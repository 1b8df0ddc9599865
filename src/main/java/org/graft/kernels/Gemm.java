package org.graft.kernels;

import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Launches {@code kernels/gemm.cl}: C = alpha·op(A)·op(B) + beta·C on row-major matrices, optionally a
 * batch of equally strided products. Used by convolution (im2col) and inner product.
 * Reference: {@link org.graft.reference.GemmReference}.
 */
public final class Gemm {
    private static final int TM = 4;
    private static final int TN = 4;

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

    public static void batched(Engine e, boolean transA, boolean transB, int m, int n, int k, float alpha,
                               ClBuffer a, int offA, int lda, int strideA, ClBuffer b, int offB, int ldb, int strideB,
                               float beta, ClBuffer c, int offC, int ldc, int strideC, int batch) {
        if (m <= 0 || n <= 0 || batch <= 0) {
            return;
        }
        String defines = "-DTRANS_A=" + (transA ? 1 : 0) + " -DTRANS_B=" + (transB ? 1 : 0) + " -DTM=" + TM + " -DTN=" + TN;
        ClKernel kern = e.kernel("gemm.cl", defines, "gemm");
        int colStride = (n + TN - 1) / TN;
        int rowBlocks = (m + TM - 1) / TM;
        kern.arg(0, m).arg(1, n).arg(2, k).arg(3, alpha)
                .arg(4, a).arg(5, offA).arg(6, lda).arg(7, strideA)
                .arg(8, b).arg(9, offB).arg(10, ldb).arg(11, strideB)
                .arg(12, beta).arg(13, c).arg(14, offC).arg(15, ldc).arg(16, strideC)
                .arg(17, colStride);
        e.run(kern, new long[] {colStride, rowBlocks, batch}, null);
    }
}
