// General matrix multiply, row-major: C = alpha * op(A) * op(B) + beta * C, op(A) M x K, op(B) K x N.
// A batch of independent products runs along dimension 2 (groups of a grouped convolution), each one
// offset by strideA/strideB/strideC elements. beta == 0 never reads C: it may hold garbage (even NaN).
// org.graft.kernels.Gemm chooses one of three paths:
//
//  * gemm_micro (CPUs): each work-item computes an MR x NR block with NR-wide vector accumulators,
//    loading one NR-float row segment of B per k and broadcasting MR elements of A (a BLIS-style
//    micro-kernel; explicit vectors because PoCL vectorises them reliably, unlike work-item loops).
//    Operands come either packed by pack_a / pack_b (panels in exactly the order the loop reads them,
//    zero padded, so the loop has no edge cases) or straight from the caller's matrix when its layout
//    already suits (A: any; B: not transposed), which saves a copy of a big matrix (fully connected
//    weights). TRANS_C stores the block transposed: Gemm computes C^T = op(B)^T op(A)^T that way.
//  * gemm_tiled (GPUs): classic local-memory tiling with register blocking; it has barriers inside
//    its k loop, so Gemm never selects it on CPU devices (PoCL's compiler has aborted on those).
//  * gemm_simple: the original portable kernel (4x4 registers per work-item, no local memory), used
//    for tiny products where the extra packing launches would cost more than they save.
//
// Every tile size is a -D define so an auto-tuner can search them; Gemm picks measured defaults.

#ifndef TRANS_A
#define TRANS_A 0
#endif
#ifndef TRANS_B
#define TRANS_B 0
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

// ---------------------------------------------------------------------------------------------------
// CPU path: packing kernels and the register-blocked micro-kernel.

#ifndef MR
#define MR 12
#endif
#ifndef NR
#define NR 16
#endif
#ifndef A_PACKED
#define A_PACKED 1
#endif
#ifndef B_PACKED
#define B_PACKED 1
#endif
#ifndef TRANS_C
#define TRANS_C 0
#endif
#ifndef RB
#define RB 16
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatNR CAT(float, NR)
#define vloadNR CAT(vload, NR)
#define vstoreNR CAT(vstore, NR)

// op(A) (M x K) -> panels of MR rows, Ap[panel][k][MR], rows past M zero. Panels are panelStride
// floats apart; batch b starts at b * packedStride. Work-item (k, panel, batch).
__kernel void pack_a(const int M, const int K,
                     __global const float* restrict Abase, const int offA, const int lda, const int strideA,
                     __global float* restrict Ap, const int panels, const int panelStride, const int packedStride) {
    const int k = get_global_id(0);
    const int p = get_global_id(1);
    const int batch = get_global_id(2);
    if (k >= K || p >= panels) {
        return;
    }
    __global const float* A = Abase + offA + batch * strideA;
    __global float* dst = Ap + batch * packedStride + p * panelStride + k * MR;
    const int i0 = p * MR;
    for (int i = 0; i < MR; i++) {
        dst[i] = i0 + i < M ? A_AT(i0 + i, k) : 0.0f;
    }
}

// op(B) (K x N) -> panels of NR columns, Bp[panel][k][NR], columns past N zero. Layout as pack_a.
__kernel void pack_b(const int N, const int K,
                     __global const float* restrict Bbase, const int offB, const int ldb, const int strideB,
                     __global float* restrict Bp, const int panels, const int panelStride, const int packedStride) {
    const int k = get_global_id(0);
    const int p = get_global_id(1);
    const int batch = get_global_id(2);
    if (k >= K || p >= panels) {
        return;
    }
    __global const float* B = Bbase + offB + batch * strideB;
    __global float* dst = Bp + batch * packedStride + p * panelStride + k * NR;
    const int j0 = p * NR;
#if !TRANS_B
    if (j0 + NR <= N) {
        vstoreNR(vloadNR(0, B + k * ldb + j0), 0, dst);
        return;
    }
#endif
    for (int j = 0; j < NR; j++) {
        dst[j] = j0 + j < N ? B_AT(k, j0 + j) : 0.0f;
    }
}

// NR values from p, zero past the first n (only the last column panel of an unpacked B is partial).
inline floatNR load_partial(__global const float* p, const int n) {
    float t[NR];
    for (int j = 0; j < NR; j++) {
        t[j] = j < n ? p[j] : 0.0f;
    }
    return vloadNR(0, t);
}

// Writes the MR x NR block at (row0, col0) of the product; rows >= M and columns >= N are dropped.
inline void store_block(const floatNR* acc, const int M, const int N, const int row0, const int col0,
                        const float alpha, const float beta, __global float* C, const int ldc) {
#if TRANS_C
    // The block is of C^T: element (i, j) lands at C[(col0 + j) * ldc + row0 + i].
    for (int i = 0; i < MR; i++) {
        const int r = row0 + i;
        if (r >= M) {
            break;
        }
        float t[NR];
        vstoreNR(acc[i], 0, t);
        const int cols = min(NR, N - col0);
        for (int j = 0; j < cols; j++) {
            __global float* c = C + (col0 + j) * ldc + r;
            *c = beta == 0.0f ? alpha * t[j] : alpha * t[j] + beta * *c;
        }
    }
#else
    for (int i = 0; i < MR; i++) {
        const int r = row0 + i;
        if (r >= M) {
            break;
        }
        __global float* c = C + r * ldc + col0;
        if (col0 + NR <= N) {
            floatNR v = alpha * acc[i];
            if (beta != 0.0f) {
                v += beta * vloadNR(0, c);
            }
            vstoreNR(v, 0, c);
        } else {
            float t[NR];
            vstoreNR(acc[i], 0, t);
            for (int j = 0; j < N - col0; j++) {
                c[j] = beta == 0.0f ? alpha * t[j] : alpha * t[j] + beta * c[j];
            }
        }
    }
#endif
}

// Work-item (tile, batch) computes one MR x NR block over all K.
// Packed A: lda is the distance between row panels, element (i, k) of a panel at k * MR + i.
// Packed B: ldb is the distance between column panels, element (k, j) of a panel at k * NR + j.
__kernel void gemm_micro(const int M, const int N, const int K, const float alpha,
                         __global const float* restrict Abase, const int offA, const int lda, const int strideA,
                         __global const float* restrict Bbase, const int offB, const int ldb, const int strideB,
                         const float beta,
                         __global float* restrict Cbase, const int offC, const int ldc, const int strideC) {
    // Tile order (BLIS's): bands of RB row panels; within a band, column panel by column panel, all
    // row panels of the band in turn. Consecutive work-items then share one B panel (kept in L1) and a
    // band's A panels stay in L2, so B streams from memory once per band and A once per column panel.
    const int rowPanels = (M + MR - 1) / MR;
    const int colPanels = (N + NR - 1) / NR;
    const int t = get_global_id(0);
    const int batch = get_global_id(1);
    if (t >= rowPanels * colPanels) {
        return;
    }
    const int band = t / (RB * colPanels);
    const int inBand = t - band * (RB * colPanels);
    const int bandRows = min(RB, rowPanels - band * RB);
    const int p = inBand / bandRows;
    const int q = band * RB + (inBand - p * bandRows);
    const int row0 = q * MR;
    const int col0 = p * NR;
    __global const float* A = Abase + offA + batch * strideA;
    __global const float* B = Bbase + offB + batch * strideB;
    __global float* C = Cbase + offC + batch * strideC;

    floatNR acc[MR];
#pragma unroll
    for (int i = 0; i < MR; i++) {
        acc[i] = (floatNR) 0.0f;
    }
#if A_PACKED
    __global const float* a = A + q * lda;
#define A_ELEM(i, k) a[(k) * MR + (i)]
#else
    // One pointer per row so the loop only adds k (int index arithmetic per row would be redone every
    // step). Rows past M re-read row M - 1; their sums are never stored.
    __global const float* ar[MR];
#pragma unroll
    for (int i = 0; i < MR; i++) {
#if TRANS_A
        ar[i] = A + min(row0 + i, M - 1);
#else
        ar[i] = A + min(row0 + i, M - 1) * lda;
#endif
    }
#if TRANS_A
#define A_ELEM(i, k) ar[i][(k) * lda]
#else
#define A_ELEM(i, k) ar[i][k]
#endif
#endif

#if B_PACKED
    __global const float* b = B + p * ldb;
    for (int k = 0; k < K; k++) {
        const floatNR bv = vloadNR(0, b + k * NR);
#pragma unroll
        for (int i = 0; i < MR; i++) {
            acc[i] = fma((floatNR) A_ELEM(i, k), bv, acc[i]);
        }
    }
#else
    __global const float* b = B + col0;
    if (col0 + NR <= N) {
        for (int k = 0; k < K; k++) {
            const floatNR bv = vloadNR(0, b + k * ldb);
#pragma unroll
            for (int i = 0; i < MR; i++) {
                acc[i] = fma((floatNR) A_ELEM(i, k), bv, acc[i]);
            }
        }
    } else {
        const int cols = N - col0;
        for (int k = 0; k < K; k++) {
            const floatNR bv = load_partial(b + k * ldb, cols);
#pragma unroll
            for (int i = 0; i < MR; i++) {
                acc[i] = fma((floatNR) A_ELEM(i, k), bv, acc[i]);
            }
        }
    }
#endif
#undef A_ELEM
    store_block(acc, M, N, row0, col0, alpha, beta, C, ldc);
}

// ---------------------------------------------------------------------------------------------------
// GPU path: local-memory tiles. A work-group of (TS_N / WPT_N) x (TS_M / WPT_M) work-items computes a
// TS_M x TS_N block of C; each work-item a WPT_M x WPT_N sub-block strided by the work-group size, so
// neighbouring work-items touch neighbouring columns (coalesced). Tiles are zero-filled past the edges.

#ifndef TS_M
#define TS_M 64
#endif
#ifndef TS_N
#define TS_N 64
#endif
#ifndef TS_K
#define TS_K 16
#endif
#ifndef WPT_M
#define WPT_M 4
#endif
#ifndef WPT_N
#define WPT_N 4
#endif
#define LX (TS_N / WPT_N)
#define LY (TS_M / WPT_M)

__kernel void gemm_tiled(const int M, const int N, const int K, const float alpha,
                         __global const float* restrict Abase, const int offA, const int lda, const int strideA,
                         __global const float* restrict Bbase, const int offB, const int ldb, const int strideB,
                         const float beta,
                         __global float* restrict Cbase, const int offC, const int ldc, const int strideC) {
    __local float As[TS_K][TS_M + 1]; // op(A) tile stored k-major; +1 avoids bank conflicts
    __local float Bs[TS_K][TS_N + 1];
    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int col0 = get_group_id(0) * TS_N;
    const int row0 = get_group_id(1) * TS_M;
    const int batch = get_global_id(2);
    __global const float* A = Abase + offA + batch * strideA;
    __global const float* B = Bbase + offB + batch * strideB;
    __global float* C = Cbase + offC + batch * strideC;
    const int tid = ty * LX + tx;

    float acc[WPT_M][WPT_N];
    for (int i = 0; i < WPT_M; i++) {
        for (int j = 0; j < WPT_N; j++) {
            acc[i][j] = 0.0f;
        }
    }
    for (int k0 = 0; k0 < K; k0 += TS_K) {
        // Cooperative loads; the fastest-varying index follows memory order of each operand.
        for (int e = tid; e < TS_M * TS_K; e += LX * LY) {
#if TRANS_A
            const int i = e % TS_M;
            const int kk = e / TS_M;
#else
            const int kk = e % TS_K;
            const int i = e / TS_K;
#endif
            const int gi = row0 + i;
            const int gk = k0 + kk;
            As[kk][i] = gi < M && gk < K ? A_AT(gi, gk) : 0.0f;
        }
        for (int e = tid; e < TS_K * TS_N; e += LX * LY) {
#if TRANS_B
            const int kk = e % TS_K;
            const int j = e / TS_K;
#else
            const int j = e % TS_N;
            const int kk = e / TS_N;
#endif
            const int gj = col0 + j;
            const int gk = k0 + kk;
            Bs[kk][j] = gj < N && gk < K ? B_AT(gk, gj) : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int kk = 0; kk < TS_K; kk++) {
            float bv[WPT_N];
            for (int j = 0; j < WPT_N; j++) {
                bv[j] = Bs[kk][tx + j * LX];
            }
            for (int i = 0; i < WPT_M; i++) {
                const float av = As[kk][ty + i * LY];
                for (int j = 0; j < WPT_N; j++) {
                    acc[i][j] = fma(av, bv[j], acc[i][j]);
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; i < WPT_M; i++) {
        const int r = row0 + ty + i * LY;
        for (int j = 0; j < WPT_N; j++) {
            const int c = col0 + tx + j * LX;
            if (r < M && c < N) {
                const float prev = beta == 0.0f ? 0.0f : beta * C[r * ldc + c];
                C[r * ldc + c] = alpha * acc[i][j] + prev;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Tiny products: dimension 1 picks a block of TM consecutive rows; dimension 0 picks TN columns spaced
// colStride apart, so neighbouring work-items touch neighbouring columns of B and C.

#ifndef TM
#define TM 4
#endif
#ifndef TN
#define TN 4
#endif

__kernel void gemm_simple(const int M, const int N, const int K, const float alpha,
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
                const float prev = beta == 0.0f ? 0.0f : beta * C[r * ldc + c];
                C[r * ldc + c] = alpha * acc[i][j] + prev;
            }
        }
    }
}
