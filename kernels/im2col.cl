// Convolution as GEMM (Caffe's im2col scheme), batched over a chunk of images.
//
// Column buffer layout (row-major, rows x ncols):
//   row    = (c * KH + i) * KW + j          c: input channel, (i, j): kernel tap
//   column = b * OH * OW + oh * OW + ow     b: image within the chunk
// so one GEMM per group multiplies W_g (OCg x Cg*KH*KW) by a contiguous block of rows, and small images
// still give wide GEMMs (the column count grows with the chunk).
//
// All kernels are element-wise or gather-only: no local memory, no barriers, no atomics.

// Compile-time geometry: for small kernels (KH*KW <= 64) the launcher passes -DFIXED_KH=.. -DFIXED_KW=..
// -DFIXED_SH=.. -DFIXED_SW=.. (0 or absent = use the runtime argument). col2im's tap loops then unroll
// into straight-line code that CPU compilers (PoCL) vectorise across work-items, divisions by the
// stride become shifts, and a constant stride shows the compiler which accesses are contiguous;
// runtime-bounded inner loops stay scalar there.
#ifndef FIXED_KH
#define FIXED_KH 0
#endif
#ifndef FIXED_KW
#define FIXED_KW 0
#endif
#ifndef FIXED_SH
#define FIXED_SH 0
#endif
#ifndef FIXED_SW
#define FIXED_SW 0
#endif
#define KERNEL_H (FIXED_KH ? FIXED_KH : KH)
#define KERNEL_W (FIXED_KW ? FIXED_KW : KW)
#define STRIDE_H (FIXED_SH ? FIXED_SH : strideH)
#define STRIDE_W (FIXED_SW ? FIXED_SW : strideW)
// Full unrolling is requested only for constant trip counts above 1 (otherwise compilers warn).
#if FIXED_KH > 1
#define UNROLL_H _Pragma("unroll")
#else
#define UNROLL_H
#endif
#if FIXED_KW > 1
#define UNROLL_W _Pragma("unroll")
#else
#define UNROLL_W
#endif

// n / d for 0 <= n < 2^22 and d > 0, without an integer division: the float quotient is within 1 of
// the true one for such n (even with OpenCL's 2.5-ulp division) and two integer checks correct it.
// Why: integer division has no SIMD instruction on CPUs, and PoCL evaluates even a division that
// depends on dimension 2 only once per work-item, which made it the dominant cost of these kernels.
// The launcher keeps every numerator below 2^22.
inline int quotient(const int n, const int d) {
    int q = convert_int((float) n / (float) d);
    q -= (q * d > n) ? 1 : 0;
    q += ((q + 1) * d <= n) ? 1 : 0;
    return q;
}

// Range: (OW, OH, rows * images) with dimension 2 = row * images + b. Dimension 0 writes contiguous
// columns and, at stride 1, reads contiguous input.
__kernel void im2col(__global const float* restrict in, const int inOff,
                     const int C, const int H, const int W,
                     const int KH, const int KW, const int padH, const int padW,
                     const int strideH, const int strideW, const int dilH, const int dilW,
                     const int OH, const int OW, const int images,
                     __global float* restrict col) {
    const int ow = get_global_id(0);
    const int oh = get_global_id(1);
    const int z = get_global_id(2);
    if (ow >= OW || oh >= OH || z >= C * KERNEL_H * KERNEL_W * images) {
        return;
    }
    const int row = quotient(z, images);
    const int b = z - row * images;
#if FIXED_KH && FIXED_KW
    // Divisions by constants: multiplies and shifts.
    const int j = row % KERNEL_W;
    const int i = (row / KERNEL_W) % KERNEL_H;
    const int c = row / (KERNEL_W * KERNEL_H);
#else
    // Runtime kernel sizes (large kernels, e.g. CaffeNet's 11x11 conv1): integer divisions would run per
    // work-item, unvectorised, and dominate the kernel; row < 2^22 as z is, so quotient() is exact.
    const int rowTaps = quotient(row, KW);
    const int j = row - rowTaps * KW;
    const int c = quotient(rowTaps, KH);
    const int i = rowTaps - c * KH;
#endif
    // A constant stride lets the compiler see unit-stride (contiguous) reads along dimension 0.
    const int h = oh * STRIDE_H - padH + i * dilH;
    const int w = ow * STRIDE_W - padW + j * dilW;
    float v = 0.0f;
    if (h >= 0 && h < H && w >= 0 && w < W) {
        v = in[inOff + ((b * C + c) * H + h) * W + w];
    }
    col[(row * images + b) * (OH * OW) + oh * OW + ow] = v;
}

// Inverse of im2col with summation: each work-item owns one input element (b, c, h, w) and gathers
// every column entry that was read from it, so no two work-items write the same place.
// Range: (W, H, images * C), dimension 2 = b * C + c.
__kernel void col2im(__global const float* restrict col,
                     const int C, const int H, const int W,
                     const int KH, const int KW, const int padH, const int padW,
                     const int strideH, const int strideW, const int dilH, const int dilW,
                     const int OH, const int OW, const int images,
                     __global float* restrict out, const int outOff) {
    const int w = get_global_id(0);
    const int h = get_global_id(1);
    const int z = get_global_id(2);
    if (w >= W || h >= H || z >= images * C) {
        return;
    }
    const int b = quotient(z, C);
    const int c = z - b * C;
    const int ohw = OH * OW;
    const int ncols = images * ohw;
    const int hp = h + padH;
    const int wp = w + padW;
    __global const float* colImage = col + b * ohw;
    float sum = 0.0f;
    UNROLL_H
    for (int i = 0; i < KERNEL_H; i++) {
        const int th = hp - i * dilH; // = oh * strideH when tap i of output row oh reads row h
        const int oh = th / STRIDE_H;
        if (th >= 0 && oh * STRIDE_H == th && oh < OH) {
            UNROLL_W
            for (int j = 0; j < KERNEL_W; j++) {
                const int tw = wp - j * dilW;
                const int ow = tw / STRIDE_W;
                if (tw >= 0 && ow * STRIDE_W == tw && ow < OW) {
                    const int row = (c * KERNEL_H + i) * KERNEL_W + j;
                    sum += colImage[row * ncols + oh * OW + ow];
                }
            }
        }
    }
    out[outOff + (z * H + h) * W + w] = sum;
}

// A fused in-place ReLU (negative_slope 0) written exactly as relu.cl computes it, so that fused and
// unfused nets agree to the bit (-0.0 included).
inline float relu0(const float v) {
    return v > 0.0f ? v : v * 0.0f;
}

// GEMM result (OC x images*OHW) to NCHW output, adding the bias (if hasBias) and applying a fused ReLU
// (if relu) on the way. The flags are arguments, not defines: one program serves every layer.
// Range: (ohw, OC, images); both the read and the write run along dimension 0.
__kernel void cols_to_nchw(__global const float* restrict cols, const int OC, const int ohw, const int images,
                           __global const float* restrict bias, const int hasBias, const int relu,
                           __global float* restrict out, const int outOff) {
    const int p = get_global_id(0);
    const int oc = get_global_id(1);
    const int b = get_global_id(2);
    if (p >= ohw || oc >= OC || b >= images) {
        return;
    }
    float v = cols[(oc * images + b) * ohw + p];
    if (hasBias) {
        v += bias[oc];
    }
    if (relu) {
        v = relu0(v);
    }
    out[outOff + (b * OC + oc) * ohw + p] = v;
}

// NCHW data (from inOff) to the GEMM layout (OC x images*OHW): the inverse permutation. With hasMask the
// values are a top diff masked by a fused ReLU's output (same layout and offset): diff * (top > 0), as
// relu.cl's backward computes it.
// Range: (ohw, OC, images).
__kernel void nchw_to_cols(__global const float* restrict in, const int inOff, const int OC, const int ohw,
                           const int images, __global const float* restrict mask, const int hasMask,
                           __global float* restrict cols) {
    const int p = get_global_id(0);
    const int oc = get_global_id(1);
    const int b = get_global_id(2);
    if (p >= ohw || oc >= OC || b >= images) {
        return;
    }
    const int i = inOff + (b * OC + oc) * ohw + p;
    float v = in[i];
    if (hasMask) {
        v = mask[i] > 0.0f ? v : v * 0.0f;
    }
    cols[(oc * images + b) * ohw + p] = v;
}

// In place on NCHW data: + bias[oc] (if hasBias), then a fused ReLU (if relu): the output pass of a
// convolution whose GEMM wrote NCHW directly (1x1). Range: (ohw, OC, images).
__kernel void nchw_bias_relu(__global float* restrict out, const int OC, const int ohw, const int images,
                             __global const float* restrict bias, const int hasBias, const int relu) {
    const int p = get_global_id(0);
    const int oc = get_global_id(1);
    const int b = get_global_id(2);
    if (p >= ohw || oc >= OC || b >= images) {
        return;
    }
    const int i = (b * OC + oc) * ohw + p;
    float v = out[i];
    if (hasBias) {
        v += bias[oc];
    }
    if (relu) {
        v = relu0(v);
    }
    out[i] = v;
}

// First stage of row sums of a rows x ncols matrix (the bias gradient): work-item (s, r) sums the
// elements s, s + slices, s + 2*slices, ... of row r, so neighbouring work-items read neighbouring
// addresses. With accumulate != 0 the partial sums are added to those of an earlier chunk.
__kernel void row_sum_partial(__global const float* restrict m, const int rows, const int ncols,
                              const int slices, const int accumulate, __global float* restrict partial) {
    const int s = get_global_id(0);
    const int r = get_global_id(1);
    if (s >= slices || r >= rows) {
        return;
    }
    __global const float* row = m + r * ncols;
    float sum = 0.0f;
    for (int j = s; j < ncols; j += slices) {
        sum += row[j];
    }
    const int idx = r * slices + s;
    partial[idx] = accumulate ? partial[idx] + sum : sum;
}

// Second stage: out[r] += sum of the row's partial sums (parameter diffs accumulate, as in Caffe).
__kernel void row_sum_finish(__global const float* restrict partial, const int rows, const int slices,
                             __global float* restrict out) {
    const int r = get_global_id(0);
    if (r >= rows) {
        return;
    }
    float sum = 0.0f;
    for (int s = 0; s < slices; s++) {
        sum += partial[r * slices + s];
    }
    out[r] += sum;
}
