// Caffe's "ELU": y = x for x > 0, else alpha * (exp(x) - 1). One work-item per element (memory-bound,
// coalesced). Both kernels may run in place (x == y, dy == dx), so no pointer is restrict.

__kernel void elu_forward(const int n, __global const float* x, __global float* y, const float alpha) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float v = x[i];
    // expm1 keeps the small negative values exact where exp(v) - 1 would cancel.
    y[i] = v > 0.0f ? v : alpha * expm1(v);
}

// dx = dy for x > 0, else dy * (y + alpha), Caffe's form (d/dx alpha*(e^x - 1) = alpha*e^x = y + alpha).
// s is the bottom data x, or the top data y when the layer ran in place: for alpha >= 0, y > 0 exactly
// when x > 0, so both give the same gradient.
__kernel void elu_backward(const int n, __global const float* s, __global const float* y, __global const float* dy,
                           __global float* dx, const float alpha) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float g = dy[i];
    dx[i] = s[i] > 0.0f ? g : g * (y[i] + alpha);
}
