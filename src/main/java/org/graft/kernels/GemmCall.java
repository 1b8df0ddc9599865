package org.graft.kernels;

import org.graft.opencl.ClBuffer;

/**
 * The arguments of one (batched) GEMM, C = alpha·op(A)·op(B) + beta·C, row-major, offsets and leading
 * dimensions in floats. With {@code transC} the result is stored transposed (element (i, j) at
 * {@code c[offC + j·ldc + i]}), which is how {@link #transposed()} rewrites a product as
 * Cᵀ = op(B)ᵀ·op(A)ᵀ without moving any data. {@link #block} cuts out a sub-product.
 */
record GemmCall(boolean transA, boolean transB, boolean transC, int m, int n, int k, float alpha,
                ClBuffer a, int offA, int lda, int strideA,
                ClBuffer b, int offB, int ldb, int strideB,
                float beta, ClBuffer c, int offC, int ldc, int strideC, int batch) {

    /** The same product computed as Cᵀ = op(B)ᵀ·op(A)ᵀ: operands swap roles, C is addressed transposed. */
    GemmCall transposed() {
        return new GemmCall(!transB, !transA, !transC, n, m, k, alpha,
                b, offB, ldb, strideB, a, offA, lda, strideA, beta, c, offC, ldc, strideC, batch);
    }

    /**
     * Rows [i0, i0+rows), columns [j0, j0+cols) and the k-range [k0, k0+depth) of the product. A block
     * that does not start at k = 0 adds to what the earlier k-blocks wrote, so its beta is 1.
     */
    GemmCall block(int i0, int rows, int j0, int cols, int k0, int depth) {
        int dA = transA ? k0 * lda + i0 : i0 * lda + k0;
        int dB = transB ? j0 * ldb + k0 : k0 * ldb + j0;
        int dC = transC ? j0 * ldc + i0 : i0 * ldc + j0;
        return new GemmCall(transA, transB, transC, rows, cols, depth, alpha,
                a, offA + dA, lda, strideA, b, offB + dB, ldb, strideB,
                k0 == 0 ? beta : 1f, c, offC + dC, ldc, strideC, batch);
    }

    /** Multiply-adds times two, over the whole batch. */
    double flops() {
        return 2.0 * m * n * k * batch;
    }
}
