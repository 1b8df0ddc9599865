package org.graft.ops.gemm;

/** Plain-Java GEMM, the reference for {@code kernels/gemm.cl}: C = alpha·op(A)·op(B) + beta·C, row-major. */
public final class GemmReference {
    private GemmReference() {
    }

    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int offA, int lda, float[] b, int offB, int ldb,
                            float beta, float[] c, int offC, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[offA + p * lda + i] : a[offA + i * lda + p];
                    float bv = transB ? b[offB + j * ldb + p] : b[offB + p * ldb + j];
                    sum += (double) av * bv;
                }
                int idx = offC + i * ldc + j;
                float prev = beta == 0f ? 0f : beta * c[idx];
                c[idx] = (float) (alpha * sum) + prev;
            }
        }
    }
}
