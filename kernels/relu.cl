// ReLU with Caffe's optional leak: y = x for x > 0, else negative_slope * x.
// One work-item per element: the layer is memory-bound, and consecutive work-items touching
// consecutive floats is the coalesced pattern on GPUs and vectorises under PoCL.
// Both kernels may run in place (x == y, dy == dx), so no pointer is restrict.

__kernel void relu_forward(const int n, __global const float* x, __global float* y, const float slope) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float v = x[i];
    y[i] = v > 0.0f ? v : v * slope;
}

// dx = dy * (s > 0 ? 1 : slope), where s is the bottom data x, or the top data y when the layer ran
// in place (x was overwritten). For slope >= 0, y > 0 exactly when x > 0, so both give Caffe's
// gradient dy * ((x > 0) + slope * (x <= 0)).
__kernel void relu_backward(const int n, __global const float* s, __global const float* dy, __global float* dx,
                            const float slope) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float g = dy[i];
    dx[i] = s[i] > 0.0f ? g : g * slope;
}
