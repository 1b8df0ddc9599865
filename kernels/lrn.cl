// Local response normalisation over N x C x H x W blobs, as Caffe's LRNLayer.
// Reference: org.graft.ops.lrn.LRNReference (documents the maths and the derivation of the
// WITHIN_CHANNEL form from Caffe's split/square/pool/power/product chain).
//
//   ACROSS_CHANNELS: scale = k + alpha/n * sum of x^2 over the n channels centred on c (zero-padded)
//   WITHIN_CHANNEL:  scale = 1 + alpha * (sum of x^2 over the n x n window centred on (h, w),
//                    clipped to the image) / (n*n)
//   y = x * scale^-beta
//   dx = dy * scale^-beta - ratio * x * sum over the same window of (dy * y / scale),
//   with ratio = 2*alpha*beta/n (across) or 2*alpha*beta/(n*n) (within).
//
// Compile-time constants (the layer passes them as -D options):
//   REACH          (local_size - 1) / 2. With a constant window the window loops unroll fully (PoCL
//                  needs the #pragma to do it before it vectorises across work-items), so each
//                  work-item is straight-line code and PoCL runs 8 or 16 of them per SIMD instruction;
//                  any remaining inner loop keeps the whole kernel scalar there.
//   THREE_QUARTERS 1 when beta == 0.75 (see lrn_power.cl).
//
// One work-item per element on a 3-D range (dimension 0 the innermost memory axis, then the
// others), so there is no index division at all and neighbouring work-items touch neighbouring memory.
// Forward stores scale for backward; backward recomputes the neighbours' y/scale ratios instead of
// keeping a second buffer. MAX pooling followed by ACROSS_CHANNELS LRN can run as one kernel instead:
// max_pool_lrn_forward in pooling.cl, which sums in lrn_across_forward's order.

#ifndef REACH
#error "REACH (half the local size) must be defined"
#endif
#include "lrn_power.cl"

// Range: (H*W, C, N).
__kernel void lrn_across_forward(const int N, const int C, const int HW,
                                 const float alphaOverSize, const float k, const float negBeta,
                                 __global const float* restrict bottom,
                                 __global float* restrict scale,
                                 __global float* restrict top) {
    const int p = get_global_id(0);
    const int c = get_global_id(1);
    const int n = get_global_id(2);
    if (p >= HW || c >= C || n >= N) {
        return;
    }
    const int channel0 = n * C * HW + p; // (n, 0, p)
    float sum = 0.0f;
    #pragma unroll
    for (int d = -REACH; d <= REACH; d++) {
        const int j = c + d;
        if (j >= 0 && j < C) {
            const float v = bottom[channel0 + j * HW];
            sum += v * v;
        }
    }
    const int index = channel0 + c * HW;
    const float s = k + alphaOverSize * sum;
    scale[index] = s;
    top[index] = bottom[index] * neg_power(s, negBeta);
}

// Range: (H*W, C, N).
__kernel void lrn_across_backward(const int N, const int C, const int HW,
                                  const float ratio, const float negBeta,
                                  __global const float* restrict bottom,
                                  __global const float* restrict top,
                                  __global const float* restrict scale,
                                  __global const float* restrict topDiff,
                                  __global float* restrict bottomDiff) {
    const int p = get_global_id(0);
    const int c = get_global_id(1);
    const int n = get_global_id(2);
    if (p >= HW || c >= C || n >= N) {
        return;
    }
    const int channel0 = n * C * HW + p;
    float acc = 0.0f;
    #pragma unroll
    for (int d = -REACH; d <= REACH; d++) {
        const int j = c + d;
        if (j >= 0 && j < C) {
            const int i = channel0 + j * HW;
            acc += topDiff[i] * top[i] / scale[i];
        }
    }
    const int index = channel0 + c * HW;
    bottomDiff[index] = topDiff[index] * neg_power(scale[index], negBeta) - ratio * bottom[index] * acc;
}

// Range: (W, H, N*C).
__kernel void lrn_within_forward(const int planes, const int H, const int W,
                                 const float alpha, const float area, const float negBeta,
                                 __global const float* restrict bottom,
                                 __global float* restrict scale,
                                 __global float* restrict top) {
    const int w = get_global_id(0);
    const int h = get_global_id(1);
    const int plane = get_global_id(2);
    if (w >= W || h >= H || plane >= planes) {
        return;
    }
    __global const float* x = bottom + plane * H * W;
    float sum = 0.0f;
    #pragma unroll
    for (int dh = -REACH; dh <= REACH; dh++) {
        const int i = h + dh;
        if (i >= 0 && i < H) {
            #pragma unroll
            for (int dw = -REACH; dw <= REACH; dw++) {
                const int j = w + dw;
                if (j >= 0 && j < W) {
                    const float v = x[i * W + j];
                    sum += v * v;
                }
            }
        }
    }
    // Same operation order as Caffe: average pool (sum / n^2), then power layer 1 + alpha * avg.
    const int index = plane * H * W + h * W + w;
    const float s = 1.0f + alpha * (sum / area);
    scale[index] = s;
    top[index] = bottom[index] * neg_power(s, negBeta);
}

// Range: (W, H, N*C).
__kernel void lrn_within_backward(const int planes, const int H, const int W,
                                  const float ratio, const float negBeta,
                                  __global const float* restrict bottom,
                                  __global const float* restrict top,
                                  __global const float* restrict scale,
                                  __global const float* restrict topDiff,
                                  __global float* restrict bottomDiff) {
    const int w = get_global_id(0);
    const int h = get_global_id(1);
    const int plane = get_global_id(2);
    if (w >= W || h >= H || plane >= planes) {
        return;
    }
    const int planeStart = plane * H * W;
    float acc = 0.0f;
    #pragma unroll
    for (int dh = -REACH; dh <= REACH; dh++) {
        const int i = h + dh;
        if (i >= 0 && i < H) {
            #pragma unroll
            for (int dw = -REACH; dw <= REACH; dw++) {
                const int j = w + dw;
                if (j >= 0 && j < W) {
                    const int t = planeStart + i * W + j;
                    acc += topDiff[t] * top[t] / scale[t];
                }
            }
        }
    }
    const int index = planeStart + h * W + w;
    bottomDiff[index] = topDiff[index] * neg_power(scale[index], negBeta) - ratio * bottom[index] * acc;
}
