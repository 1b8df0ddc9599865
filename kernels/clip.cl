// Caffe's "Clip": y = max(min, min(x, max)); the gradient passes where min <= x <= max (ends included, as in
// Caffe). Both kernels may run in place (x == y, dy == dx), so no pointer is restrict. In place, y alone cannot
// tell x = max from x > max, so forward then records where the gradient passes in one byte per element
// (clip_forward_mask / clip_backward_mask), a quarter of a copy of the bottom.

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

__kernel void clip_forward_mask(const int n, __global const float* x, __global float* y, __global uchar* pass,
                                const float lo, const float hi) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float v = x[i];
    pass[i] = v >= lo && v <= hi ? 1 : 0;
    y[i] = fmax(lo, fmin(v, hi));
}

__kernel void clip_backward_mask(const int n, __global const uchar* pass, __global const float* dy, __global float* dx) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    dx[i] = pass[i] ? dy[i] : 0.0f;
}
