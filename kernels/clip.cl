// Caffe's "Clip": y = max(min, min(x, max)); the gradient passes where min <= x <= max (ends included, as in
// Caffe). Both kernels may run in place (x == y, dy == dx), so no pointer is restrict; backward's x is then the
// layer's kept copy of the bottom (y alone cannot tell x = max from x > max).

__kernel void clip_forward(const int n, __global const float* x, __global float* y, const float lo, const float hi) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    y[i] = fmax(lo, fmin(x[i], hi));
}

__kernel void clip_backward(const int n, __global const float* x, __global const float* dy, __global float* dx,
                            const float lo, const float hi) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float v = x[i];
    dx[i] = v >= lo && v <= hi ? dy[i] : 0.0f;
}
