// Caffe's "Sigmoid": y = 1 / (1 + exp(-x)). One work-item per element (memory-bound, coalesced).
// Both kernels may run in place (x == y, dy == dx), so no pointer is restrict.

// Computed from e = exp(-|x|) <= 1, so exp never overflows: for x < 0, 1/(1+exp(-x)) = e/(1+e).
__kernel void sigmoid_forward(const int n, __global const float* x, __global float* y) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float v = x[i];
    const float e = exp(-fabs(v));
    const float s = 1.0f / (1.0f + e);
    y[i] = v >= 0.0f ? s : e * s;
}

// dx = dy * y * (1 - y) from the top data y, as Caffe does, so it is valid in place (x is gone then).
__kernel void sigmoid_backward(const int n, __global const float* y, __global const float* dy, __global float* dx) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float s = y[i];
    dx[i] = dy[i] * s * (1.0f - s);
}
