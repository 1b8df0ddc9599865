// Caffe's "Scale": y = x · s_d (+ b_d), the data viewed as outer × dim × inner (d = (i / inner) % dim).
// One work-item per element. x and y may be one buffer (in place), as dy and dx may: no restrict.
// Backward's dx = dy · s_d is scale_forward on the diffs; the gradients of s and b are per-d sums
// (kernels/channel_sum.cl).

__kernel void scale_forward(const int n, const int dim, const int inner, __global const float* x,
                            __global const float* s, __global float* y) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    y[i] = x[i] * s[(i / inner) % dim];
}

__kernel void scale_bias_forward(const int n, const int dim, const int inner, __global const float* x,
                                 __global const float* s, __global const float* b, __global float* y) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const int d = (i / inner) % dim;
    y[i] = x[i] * s[d] + b[d];
}
