// General matrix multiply, row-major: C = alpha * op(A) * op(B) + beta * C.
// op(A) is M x K, op(B) is K x N. TRANS_A / TRANS_B (compile-time, 0 or 1) select transposition.
// A batch of independent products runs along dimension 2 (groups of a grouped convolution),
// each one offset by strideA/strideB/strideC elements.
//
// Work-item layout (chosen so the kernel is fast on CPUs under PoCL and coalesced on GPUs, with no
// local memory and no barriers): dimension 1 picks a block of TM consecutive rows; dimension 0 picks
// TN columns spaced colStride apart, so neighbouring work-items touch neighbouring columns of B and C.
// Each work-item keeps a TM x TN block of sums in registers.

#ifndef TRANS_A
#define TRANS_A 0
#endif
#ifndef TRANS_B
#define TRANS_B 0
#endif
#ifndef TM
#define TM 4
#endif
#ifndef TN
#define TN 4
#endif

#if TRANS_A
#define A_AT(i, k) A[(k) * lda + (i)]
#else
#define A_AT(i, k) A[(i) * lda + (k)]
#endif
#if TRANS_B
#define B_AT(k, j) B[(j) * ldb + (k)]
#else
#define B_AT(k, j) B[(k) * ldb + (j)]
#endif

__kernel void gemm(const int M, const int N, const int K, const float alpha,
                   __global const float* restrict Abase, const int offA, const int lda, const int strideA,
                   __global const float* restrict Bbase, const int offB, const int ldb, const int strideB,
                   const float beta,
                   __global float* restrict Cbase, const int offC, const int ldc, const int strideC,
                   const int colStride) {
    const int gx = get_global_id(0);
    const int row0 = get_global_id(1) * TM;
    const int batch = get_global_id(2);
    if (gx >= colStride || row0 >= M) {
        return;
    }
    __global const float* A = Abase + offA + batch * strideA;
    __global const float* B = Bbase + offB + batch * strideB;
    __global float* C = Cbase + offC + batch * strideC;

    float acc[TM][TN];
    for (int i = 0; i < TM; i++) {
        for (int j = 0; j < TN; j++) {
            acc[i][j] = 0.0f;
        }
    }
    // Clamp out-of-range rows/columns to a valid index for loading; their sums are never stored.
    int rows[TM];
    int cols[TN];
    for (int i = 0; i < TM; i++) {
        rows[i] = min(row0 + i, M - 1);
    }
    for (int j = 0; j < TN; j++) {
        cols[j] = min(gx + j * colStride, N - 1);
    }
    for (int k = 0; k < K; k++) {
        float a[TM];
        float b[TN];
        for (int i = 0; i < TM; i++) {
            a[i] = A_AT(rows[i], k);
        }
        for (int j = 0; j < TN; j++) {
            b[j] = B_AT(k, cols[j]);
        }
        for (int i = 0; i < TM; i++) {
            for (int j = 0; j < TN; j++) {
                acc[i][j] = mad(a[i], b[j], acc[i][j]);
            }
        }
    }
    for (int i = 0; i < TM; i++) {
        const int r = row0 + i;
        if (r >= M) {
            break;
        }
        for (int j = 0; j < TN; j++) {
            const int c = gx + j * colStride;
            if (c < N) {
                // beta == 0 must not read C: it may hold garbage (even NaN) from an earlier use.
                const float prev = beta == 0.0f ? 0.0f : beta * C[r * ldc + c];
                C[r * ldc + c] = alpha * acc[i][j] + prev;
            }
        }
    }
}
