// Caffe's "Bias": y = x + b_d, the data viewed as outer × dim × inner (d = (i / inner) % dim). One
// work-item per element; x and y may be one buffer (in place). Backward: dx = dy (a copy, or nothing in
// place), and the gradient of b is a per-d sum (kernels/channel_sum.cl).

__kernel void bias_forward(const int n, const int dim, const int inner, __global const float* x,
                           __global const float* b, __global float* y) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    y[i] = x[i] + b[(i / inner) % dim];
}
