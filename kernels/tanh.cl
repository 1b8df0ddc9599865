// Caffe's "TanH": y = tanh(x). One work-item per element (memory-bound, coalesced).
// OpenCL's tanh saturates to ±1 for large |x| without overflow, unlike (e^2x - 1)/(e^2x + 1).
// Both kernels may run in place (x == y, dy == dx), so no pointer is restrict.

__kernel void tanh_forward(const int n, __global const float* x, __global float* y) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    y[i] = tanh(x[i]);
}

// dx = dy * (1 - y^2) from the top data y, as Caffe does, so it is valid in place (x is gone then).
__kernel void tanh_backward(const int n, __global const float* y, __global const float* dy, __global float* dx) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float t = y[i];
    dx[i] = dy[i] * (1.0f - t * t);
}
