// Max and average pooling over N x C x H x W blobs, as Caffe's PoolingLayer.
// Reference: org.graft.ops.pooling.PoolingReference (documents the maths).
//
// Window (ph, pw) covers padded rows [ph*strideH - padH, +kernelH) and columns likewise.
// MAX scans the window clipped to the image (padded cells never win) row-major, keeping the FIRST
// maximum (strict >), starting from -FLT_MAX with index -1 exactly as Caffe. The argmax is stored as
// h*W + w within the channel plane. AVE divides the sum over the clipped window by the window size
// clipped to in + pad (so padded cells inside the image's padding count in the divisor).
//
// Forward runs one work-item per output; backward GATHERS, for each input, the top diffs of the
// windows that cover it (no atomics): one work-item per input for runtime geometry, one per slot of
// stride_w inputs for compile-time geometry (see max_pool_backward_slots). Ranges are 3-D
// (column, row, plane), so no index needs a division and dimension 0 walks contiguous memory.
//
// Compile-time geometry: the layer passes -DFIXED_KH=.. -DFIXED_KW=.. -DFIXED_SH=.. -DFIXED_SW=.. for
// small windows (0 or absent = use the runtime argument). Constant window and candidate loops unroll
// into straight-line code that CPU compilers (PoCL) vectorise across work-items, and constant strides
// turn the backward's divisions into multiplies/shifts; runtime-bounded inner loops stay scalar.

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

#define KERNEL_H (FIXED_KH ? FIXED_KH : kernelH)
#define KERNEL_W (FIXED_KW ? FIXED_KW : kernelW)
#define STRIDE_H (FIXED_SH ? FIXED_SH : strideH)
#define STRIDE_W (FIXED_SW ? FIXED_SW : strideW)
// Full unrolling is requested only for constant trip counts above 1 (otherwise compilers warn that
// they could not do it).
#if FIXED_KH && FIXED_KW && FIXED_SH && FIXED_SW
#define UNROLL _Pragma("unroll")
#else
#define UNROLL
#endif
#if FIXED_KH && FIXED_SH && (FIXED_KH + FIXED_SH - 1) / FIXED_SH > 1
#define UNROLL_CANDIDATES_H _Pragma("unroll")
#else
#define UNROLL_CANDIDATES_H
#endif
#if FIXED_KW && FIXED_SW && (FIXED_KW + FIXED_SW - 1) / FIXED_SW > 1
#define UNROLL_CANDIDATES_W _Pragma("unroll")
#else
#define UNROLL_CANDIDATES_W
#endif
// Most windows along one axis that can cover one input: ceil(kernel / stride).
#define CANDIDATES_H ((KERNEL_H + STRIDE_H - 1) / STRIDE_H)
#define CANDIDATES_W ((KERNEL_W + STRIDE_W - 1) / STRIDE_W)

#define GEOMETRY_ARGS const int H, const int W, const int PH, const int PW, \
                      const int kernelH, const int kernelW, const int strideH, const int strideW, \
                      const int padH, const int padW

// The MAX window at (hstart, wstart) of the H x W plane x, clipped to the plane (padded cells never win),
// scanned row-major keeping the first maximum; its index h*W + w goes to *bestIndex (-1 with -FLT_MAX
// for a window wholly in the padding). One scan for max_pool_forward and max_pool_lrn_forward, so the
// fused kernel pools exactly as the plain one.
inline float window_max(__global const float* x, const int hstart, const int wstart, const int H, const int W,
                        const int kernelH, const int kernelW, int* bestIndex) {
    float best = -FLT_MAX;
    int index = -1;
    UNROLL
    for (int i = 0; i < KERNEL_H; i++) {
        const int h = hstart + i;
        if (h >= 0 && h < H) {
            UNROLL
            for (int j = 0; j < KERNEL_W; j++) {
                const int w = wstart + j;
                if (w >= 0 && w < W) {
                    const float v = x[h * W + w];
                    if (v > best) {
                        best = v;
                        index = h * W + w;
                    }
                }
            }
        }
    }
    *bestIndex = index;
    return best;
}

// Range: (PW, PH, N*C).
__kernel void max_pool_forward(const int planes, GEOMETRY_ARGS,
                               __global const float* restrict bottom,
                               __global float* restrict top,
                               __global int* restrict argmax) {
    const int pw = get_global_id(0);
    const int ph = get_global_id(1);
    const int plane = get_global_id(2);
    if (pw >= PW || ph >= PH || plane >= planes) {
        return;
    }
    const int hstart = ph * STRIDE_H - padH;
    const int wstart = pw * STRIDE_W - padW;
    int bestIndex;
    const float best = window_max(bottom + plane * H * W, hstart, wstart, H, W, kernelH, kernelW, &bestIndex);
    const int index = (plane * PH + ph) * PW + pw;
    top[index] = best;
    argmax[index] = bestIndex;
}

#ifdef REACH
// MAX pooling followed by cross-channel LRN (as CaffeNet's pool1 -> norm1), in one pass: the pooled
// values go to memory once and are not read back. Compiled when the layer passes the LRN's -DREACH=..
// -DTHREE_QUARTERS=.. (see lrn.cl) and -DCHANNEL_BLOCK=.. besides the geometry.
// One work-item per (pw, ph, n, block of CHANNEL_BLOCK channels) walks channels c0 - REACH ..
// c0 + CHANNEL_BLOCK - 1 + REACH: channel j's window is pooled exactly as max_pool_forward does (same
// scan, first maximum), and the last 2*REACH+1 pooled values stay in registers (window[i] holds
// channel j - 2*REACH + i), so channel c = j - REACH is normalised as soon as channel c + REACH is
// pooled. Its sum adds the squares for d = -REACH..REACH, skipping channels outside [0, C), the order
// of lrn_across_forward: the fused net's values equal the unfused one's to the bit.
// Why blocks rather than all C channels per work-item: a loop over the runtime C keeps PoCL from
// vectorising across work-items (the fused kernel took twice as long as the two it replaces); with a
// constant block every loop unrolls, at the price of pooling 2*REACH channels of each block twice.
// Range: (PW, PH, N * ceil(C / CHANNEL_BLOCK)).
#include "lrn_power.cl"

__kernel void max_pool_lrn_forward(const int N, const int C, GEOMETRY_ARGS,
                                   __global const float* restrict bottom,
                                   __global float* restrict top,
                                   __global int* restrict argmax,
                                   const float alphaOverSize, const float lrnK, const float negBeta,
                                   __global float* restrict scale,
                                   __global float* restrict lrnTop) {
    const int pw = get_global_id(0);
    const int ph = get_global_id(1);
    const int blocks = (C + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK;
    const int n = get_global_id(2) / blocks;
    const int c0 = (get_global_id(2) - n * blocks) * CHANNEL_BLOCK;
    if (pw >= PW || ph >= PH || n >= N) {
        return;
    }
    const int hstart = ph * STRIDE_H - padH;
    const int wstart = pw * STRIDE_W - padW;
    const int planeSize = PH * PW;
    const int first = n * C * planeSize + ph * PW + pw; // (n, 0, ph, pw)
    float window[2 * REACH + 1];
    #pragma unroll
    for (int i = 0; i < 2 * REACH + 1; i++) {
        window[i] = 0.0f;
    }
    #pragma unroll
    for (int t = 0; t < CHANNEL_BLOCK + 2 * REACH; t++) {
        const int j = c0 - REACH + t;
        float best = 0.0f;
        if (j >= 0 && j < C) {
            int bestIndex;
            best = window_max(bottom + (n * C + j) * H * W, hstart, wstart, H, W, kernelH, kernelW, &bestIndex);
            if (t >= REACH && t < CHANNEL_BLOCK + REACH) { // this block's own channels
                top[first + j * planeSize] = best;
                argmax[first + j * planeSize] = bestIndex;
            }
        }
        #pragma unroll
        for (int i = 0; i < 2 * REACH; i++) {
            window[i] = window[i + 1];
        }
        window[2 * REACH] = best;
        const int c = j - REACH;
        if (t >= 2 * REACH && c < C) {
            float sum = 0.0f;
            #pragma unroll
            for (int d = -REACH; d <= REACH; d++) {
                const int jd = c + d;
                if (jd >= 0 && jd < C) {
                    const float v = window[REACH + d];
                    sum += v * v;
                }
            }
            const int index = first + c * planeSize;
            const float s = lrnK + alphaOverSize * sum;
            scale[index] = s;
            lrnTop[index] = window[REACH] * neg_power(s, negBeta);
        }
    }
}
#endif

// Range: (PW, PH, N*C).
__kernel void ave_pool_forward(const int planes, GEOMETRY_ARGS,
                               __global const float* restrict bottom,
                               __global float* restrict top) {
    const int pw = get_global_id(0);
    const int ph = get_global_id(1);
    const int plane = get_global_id(2);
    if (pw >= PW || ph >= PH || plane >= planes) {
        return;
    }
    const int hstart = ph * STRIDE_H - padH;
    const int wstart = pw * STRIDE_W - padW;
    const int poolSize = (min(hstart + KERNEL_H, H + padH) - hstart) * (min(wstart + KERNEL_W, W + padW) - wstart);
    __global const float* x = bottom + plane * H * W;
    float sum = 0.0f;
    UNROLL
    for (int i = 0; i < KERNEL_H; i++) {
        const int h = hstart + i;
        if (h >= 0 && h < H) {
            UNROLL
            for (int j = 0; j < KERNEL_W; j++) {
                const int w = wstart + j;
                if (w >= 0 && w < W) {
                    sum += x[h * W + w];
                }
            }
        }
    }
    top[(plane * PH + ph) * PW + pw] = sum / (float) poolSize;
}

// First window along one axis whose padded extent covers padded coordinate p; the last is
// min(p / stride, pooled - 1).
#define FIRST_WINDOW(p, kernel, stride) (((p) < (kernel)) ? 0 : ((p) - (kernel)) / (stride) + 1)

// Range: (W, H, N*C). The candidate loops stop at the first window past the last one covering the
// input, so the runtime-geometry variant visits only the covering windows.
__kernel void max_pool_backward(const int planes, GEOMETRY_ARGS,
                                __global const float* restrict topDiff,
                                __global const int* restrict argmax,
                                __global float* restrict bottomDiff) {
    const int w = get_global_id(0);
    const int h = get_global_id(1);
    const int plane = get_global_id(2);
    if (w >= W || h >= H || plane >= planes) {
        return;
    }
    const int phstart = FIRST_WINDOW(h + padH, KERNEL_H, STRIDE_H);
    const int phend = min((h + padH) / STRIDE_H + 1, PH);
    const int pwstart = FIRST_WINDOW(w + padW, KERNEL_W, STRIDE_W);
    const int pwend = min((w + padW) / STRIDE_W + 1, PW);
    const int self = h * W + w;
    const int offset = plane * PH * PW;
    float g = 0.0f;
    UNROLL_CANDIDATES_H
    for (int s = 0; s < CANDIDATES_H; s++) {
        const int ph = phstart + s;
        if (ph >= phend) {
            break;
        }
        UNROLL_CANDIDATES_W
        for (int t = 0; t < CANDIDATES_W; t++) {
            const int pw = pwstart + t;
            if (pw >= pwend) {
                break;
            }
            const int k = offset + ph * PW + pw;
            if (argmax[k] == self) {
                g += topDiff[k];
            }
        }
    }
    bottomDiff[plane * H * W + self] = g;
}

// Range: (W, H, N*C).
__kernel void ave_pool_backward(const int planes, GEOMETRY_ARGS,
                                __global const float* restrict topDiff,
                                __global float* restrict bottomDiff) {
    const int w = get_global_id(0);
    const int h = get_global_id(1);
    const int plane = get_global_id(2);
    if (w >= W || h >= H || plane >= planes) {
        return;
    }
    const int phstart = FIRST_WINDOW(h + padH, KERNEL_H, STRIDE_H);
    const int phend = min((h + padH) / STRIDE_H + 1, PH);
    const int pwstart = FIRST_WINDOW(w + padW, KERNEL_W, STRIDE_W);
    const int pwend = min((w + padW) / STRIDE_W + 1, PW);
    __global const float* dy = topDiff + plane * PH * PW;
    float g = 0.0f;
    UNROLL_CANDIDATES_H
    for (int s = 0; s < CANDIDATES_H; s++) {
        const int ph = phstart + s;
        if (ph >= phend) {
            break;
        }
        const int hstart = ph * STRIDE_H - padH;
        const int hextent = min(hstart + KERNEL_H, H + padH) - hstart;
        UNROLL_CANDIDATES_W
        for (int t = 0; t < CANDIDATES_W; t++) {
            const int pw = pwstart + t;
            if (pw >= pwend) {
                break;
            }
            const int wstart = pw * STRIDE_W - padW;
            const int wextent = min(wstart + KERNEL_W, W + padW) - wstart;
            g += dy[ph * PW + pw] / (float) (hextent * wextent);
        }
    }
    bottomDiff[(plane * H + h) * W + w] = g;
}

#if FIXED_KH && FIXED_KW && FIXED_SH && FIXED_SW
// Backward for compile-time geometry, by column slots. Work-item m handles the stride_w padded
// columns wp = m*stride_w + r (0 <= r < stride_w), whose last covering window is m; the covering
// windows of column r are m + SLOT_FIRST(r) .. m with a constant offset, so neighbouring work-items
// read neighbouring windows with plain vector loads. The per-input form has to gather them (the
// window index advances every stride_w inputs), which took twice as long on PoCL.
// Range: (slots = ceil((W + padW) / stride_w), H, N*C). Same sums, in the same order, as the
// per-input kernels.

// First covering window relative to the slot's last one: floor((r - kernel_w) / stride_w) + 1.
#define SLOT_FIRST(r) ((r) >= FIXED_KW ? ((r) - FIXED_KW) / FIXED_SW + 1 \
                                        : 1 - (FIXED_KW - (r) + FIXED_SW - 1) / FIXED_SW)
#if FIXED_SW > 1
#define UNROLL_SLOT _Pragma("unroll")
#else
#define UNROLL_SLOT
#endif

__kernel void max_pool_backward_slots(const int planes, GEOMETRY_ARGS, const int slots,
                                      __global const float* restrict topDiff,
                                      __global const int* restrict argmax,
                                      __global float* restrict bottomDiff) {
    const int m = get_global_id(0);
    const int h = get_global_id(1);
    const int plane = get_global_id(2);
    if (m >= slots || h >= H || plane >= planes) {
        return;
    }
    const int phstart = FIRST_WINDOW(h + padH, KERNEL_H, STRIDE_H);
    const int phend = min((h + padH) / STRIDE_H + 1, PH);
    const int offset = plane * PH * PW;
    __global float* dx = bottomDiff + (plane * H + h) * W;
    UNROLL_SLOT
    for (int r = 0; r < FIXED_SW; r++) {
        const int w = m * FIXED_SW + r - padW;
        const int first = m + SLOT_FIRST(r);
        const int self = h * W + w;
        float g = 0.0f;
        UNROLL_CANDIDATES_H
        for (int s = 0; s < CANDIDATES_H; s++) {
            const int ph = phstart + s;
            UNROLL_CANDIDATES_W
            for (int t = 0; t < CANDIDATES_W; t++) {
                const int pw = first + t;
                if (ph < phend && pw >= 0 && pw <= m && pw < PW) {
                    const int k = offset + ph * PW + pw;
                    if (argmax[k] == self) {
                        g += topDiff[k];
                    }
                }
            }
        }
        if (w >= 0 && w < W) {
            dx[w] = g;
        }
    }
}

__kernel void ave_pool_backward_slots(const int planes, GEOMETRY_ARGS, const int slots,
                                      __global const float* restrict topDiff,
                                      __global float* restrict bottomDiff) {
    const int m = get_global_id(0);
    const int h = get_global_id(1);
    const int plane = get_global_id(2);
    if (m >= slots || h >= H || plane >= planes) {
        return;
    }
    const int phstart = FIRST_WINDOW(h + padH, KERNEL_H, STRIDE_H);
    const int phend = min((h + padH) / STRIDE_H + 1, PH);
    __global const float* dy = topDiff + plane * PH * PW;
    __global float* dx = bottomDiff + (plane * H + h) * W;
    UNROLL_SLOT
    for (int r = 0; r < FIXED_SW; r++) {
        const int w = m * FIXED_SW + r - padW;
        const int first = m + SLOT_FIRST(r);
        float g = 0.0f;
        UNROLL_CANDIDATES_H
        for (int s = 0; s < CANDIDATES_H; s++) {
            const int ph = phstart + s;
            const int hstart = ph * STRIDE_H - padH;
            const int hextent = min(hstart + KERNEL_H, H + padH) - hstart;
            UNROLL_CANDIDATES_W
            for (int t = 0; t < CANDIDATES_W; t++) {
                const int pw = first + t;
                if (ph < phend && pw >= 0 && pw <= m && pw < PW) {
                    const int wstart = pw * STRIDE_W - padW;
                    const int wextent = min(wstart + KERNEL_W, W + padW) - wstart;
                    g += dy[ph * PW + pw] / (float) (hextent * wextent);
                }
            }
        }
        if (w >= 0 && w < W) {
            dx[w] = g;
        }
    }
}
#endif
