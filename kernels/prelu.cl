// Caffe's "PReLU": y = max(x, 0) + a_c·min(x, 0) with a learned slope a_c per channel c, or one shared slope
// (div == channels makes every c map to slope 0). Element i of an N×C×(dim) blob is in channel (i / dim) % C.
// Forward and backward may run in place (x == y, dy == dx), so no pointer is restrict; backward's x is then
// the layer's kept copy of the bottom.

__kernel void prelu_forward(const int n, const int channels, const int dim, const int div, __global const float* x,
                            __global const float* slope, __global float* y) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float v = x[i];
    const int c = (i / dim) % channels / div;
    y[i] = fmax(v, 0.0f) + slope[c] * fmin(v, 0.0f);
}

__kernel void prelu_backward(const int n, const int channels, const int dim, const int div, __global const float* x,
                             __global const float* slope, __global const float* dy, __global float* dx) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const int c = (i / dim) % channels / div;
    const float g = dy[i];
    dx[i] = x[i] > 0.0f ? g : slope[c] * g;
}

// dslope[g] += Σ dy·x over x <= 0 and the elements of slope g: one work-group per slope, each work-item summing
// a strided share, then a fixed tree in local memory. No atomics, so the sum is the same on every run.
// The elements of slope g: for j < num·span, index (j / span)·stride + g·span + j % span (per channel: span = dim,
// stride = C·dim; shared: one group with span = stride = C·dim).
__kernel void prelu_slope_diff(const int num, const int span, const int stride, __global const float* x,
                               __global const float* dy, __global float* dslope, __local float* part) {
    const int g = get_group_id(0);
    const int lid = get_local_id(0);
    const int size = get_local_size(0);
    const int total = num * span;
    float s = 0.0f;
    for (int j = lid; j < total; j += size) {
        const int idx = (j / span) * stride + g * span + j % span;
        const float v = x[idx];
        if (v <= 0.0f) {
            s += dy[idx] * v;
        }
    }
    part[lid] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int h = size / 2; h > 0; h >>= 1) {
        if (lid < h) {
            part[lid] += part[lid + h];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        dslope[g] += part[0];
    }
}
