// General matrix multiply, row-major: C = alpha * op(A) * op(B) + beta * C, op(A) M x K, op(B) K x N.
// A batch of independent products runs along dimension 2 (groups of a grouped convolution), each one
// offset by strideA/strideB/strideC elements. beta == 0 never reads C: it may hold garbage (even NaN).
// org.graft.kernels.Gemm chooses one of three paths:
//
//  * gemm_micro (CPUs): each work-item computes an MR x NR block with MR x NV vector accumulators,
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

// GEMM_ONLY builds one kernel family per program (1 packing, 2 micro-kernel, 3 tiles, 4 simple; 0, the
// default, builds them all): PoCL compiles every kernel of a program, and a fresh start builds a few dozen
// gemm.cl programs that each need only one family.
#ifndef GEMM_ONLY
#define GEMM_ONLY 0
#endif
#define GEMM_BUILDS(family) (GEMM_ONLY == 0 || GEMM_ONLY == (family))

// ---------------------------------------------------------------------------------------------------
// CPU path: packing kernels and the register-blocked micro-kernel.
//
// The block is MR rows by NR = NV * VW columns: MR x NV accumulators, each a floatVW vector (VW = the
// device's vector width: 16 for AVX-512, 8 for AVX2, 4 for SSE/NEON), so a block can be tall (MR up to
// 16 and more, NV = 1) or wide (NV up to 4) to fill the device's register file. Per k the kernel loads
// NV vectors of B and broadcasts MR elements of A: MR * NV fused multiply-adds per MR + NV loads. KU is
// how many k steps one trip of the k loop does (unrolled; the remainder runs one step per trip).

#ifndef MR
#define MR 12
#endif
#ifndef VW
#define VW 16
#endif
#ifndef NV
#define NV 1
#endif
#ifndef KU
#define KU 1
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

#define NR (NV * VW)
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatVW CAT(float, VW)
#define vloadVW CAT(vload, VW)
#define vstoreVW CAT(vstore, VW)

#if GEMM_BUILDS(1)
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
        for (int v = 0; v < NV; v++) {
            vstoreVW(vloadVW(v, B + k * ldb + j0), v, dst);
        }
        return;
    }
#endif
    for (int j = 0; j < NR; j++) {
        dst[j] = j0 + j < N ? B_AT(k, j0 + j) : 0.0f;
    }
}

#endif

#if GEMM_BUILDS(2)
// VW values from p, zero past the first n (n may be <= 0: all zero); only the last column panel of an
// unpacked B is partial.
inline floatVW load_partial(__global const float* p, const int n) {
    float t[VW];
    for (int j = 0; j < VW; j++) {
        t[j] = j < n ? p[j] : 0.0f;
    }
    return vloadVW(0, t);
}

// Writes the MR x NR block at (row0, col0) of the product; rows >= M and columns >= N are dropped.
inline void store_block(floatVW acc[MR][NV], const int M, const int N, const int row0, const int col0,
                        const float alpha, const float beta, __global float* C, const int ldc) {
    for (int i = 0; i < MR; i++) {
        const int r = row0 + i;
        if (r >= M) {
            break;
        }
        for (int v = 0; v < NV; v++) {
            const int c0 = col0 + v * VW;
            if (c0 >= N) {
                break;
            }
#if TRANS_C
            // The block is of C^T: element (i, j) lands at C[(col0 + j) * ldc + row0 + i].
            float t[VW];
            vstoreVW(acc[i][v], 0, t);
            const int cols = min(VW, N - c0);
            for (int j = 0; j < cols; j++) {
                __global float* c = C + (c0 + j) * ldc + r;
                *c = beta == 0.0f ? alpha * t[j] : alpha * t[j] + beta * *c;
            }
#else
            __global float* c = C + r * ldc + c0;
            if (c0 + VW <= N) {
                floatVW x = alpha * acc[i][v];
                if (beta != 0.0f) {
                    x += beta * vloadVW(0, c);
                }
                vstoreVW(x, 0, c);
            } else {
                float t[VW];
                vstoreVW(acc[i][v], 0, t);
                for (int j = 0; j < N - c0; j++) {
                    c[j] = beta == 0.0f ? alpha * t[j] : alpha * t[j] + beta * c[j];
                }
            }
#endif
        }
    }
}

// One k step of the block: NV vectors of B (B_VEC(v, k)), MR broadcasts of A (A_ELEM(i, k)).
#define MICRO_STEP(kk) do { \
        floatVW bv[NV]; \
        _Pragma("unroll") \
        for (int v = 0; v < NV; v++) { \
            bv[v] = B_VEC(v, kk); \
        } \
        _Pragma("unroll") \
        for (int i = 0; i < MR; i++) { \
            const floatVW av = (floatVW) A_ELEM(i, kk); \
            _Pragma("unroll") \
            for (int v = 0; v < NV; v++) { \
                acc[i][v] = fma(av, bv[v], acc[i][v]); \
            } \
        } \
    } while (0)

// All K steps: trips of KU unrolled steps, then the remainder one by one.
#if KU > 1
#define MICRO_LOOP() do { \
        int k = 0; \
        for (; k + KU <= K; k += KU) { \
            _Pragma("unroll") \
            for (int u = 0; u < KU; u++) { \
                MICRO_STEP(k + u); \
            } \
        } \
        for (; k < K; k++) { \
            MICRO_STEP(k); \
        } \
    } while (0)
#else
#define MICRO_LOOP() do { \
        for (int k = 0; k < K; k++) { \
            MICRO_STEP(k); \
        } \
    } while (0)
#endif

// Work-item (tile, batch) computes one MR x NR block over all K.
// Packed A: lda is the distance between row panels, element (i, k) of a panel at k * MR + i.
// Packed B: ldb is the distance between column panels, element (k, j) of a panel at k * NR + j.
// rb: row panels per band (tile order below); a run-time argument so that it costs no extra program.
__kernel void gemm_micro(const int M, const int N, const int K, const float alpha,
                         __global const float* restrict Abase, const int offA, const int lda, const int strideA,
                         __global const float* restrict Bbase, const int offB, const int ldb, const int strideB,
                         const float beta,
                         __global float* restrict Cbase, const int offC, const int ldc, const int strideC,
                         const int rb) {
    // Tile order (BLIS's): bands of rb row panels; within a band, column panel by column panel, all
    // row panels of the band in turn. Consecutive work-items then share one B panel (kept in L1) and a
    // band's A panels stay in L2, so B streams from memory once per band and A once per column panel.
    const int rowPanels = (M + MR - 1) / MR;
    const int colPanels = (N + NR - 1) / NR;
    const int t = get_global_id(0);
    const int batch = get_global_id(1);
    if (t >= rowPanels * colPanels) {
        return;
    }
    const int band = t / (rb * colPanels);
    const int inBand = t - band * (rb * colPanels);
    const int bandRows = min(rb, rowPanels - band * rb);
    const int p = inBand / bandRows;
    const int q = band * rb + (inBand - p * bandRows);
    const int row0 = q * MR;
    const int col0 = p * NR;
    __global const float* A = Abase + offA + batch * strideA;
    __global const float* B = Bbase + offB + batch * strideB;
    __global float* C = Cbase + offC + batch * strideC;

    floatVW acc[MR][NV];
#pragma unroll
    for (int i = 0; i < MR; i++) {
#pragma unroll
        for (int v = 0; v < NV; v++) {
            acc[i][v] = (floatVW) 0.0f;
        }
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
#define B_VEC(v, k) vloadVW((v), b + (k) * NR)
    MICRO_LOOP();
#undef B_VEC
#else
    __global const float* b = B + col0;
    if (col0 + NR <= N) {
#define B_VEC(v, k) vloadVW((v), b + (k) * ldb)
        MICRO_LOOP();
#undef B_VEC
    } else {
        const int cols = N - col0;
#define B_VEC(v, k) load_partial(b + (k) * ldb + (v) * VW, cols - (v) * VW)
        MICRO_LOOP();
#undef B_VEC
    }
#endif
#undef A_ELEM
    store_block(acc, M, N, row0, col0, alpha, beta, C, ldc);
}

#endif

#if GEMM_BUILDS(3)
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

#endif

#if GEMM_BUILDS(4)
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
#endif
