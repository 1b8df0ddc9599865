// Caffe's "AbsVal": y = |x|, dx = sign(x)·dy with sign(0) = 0. Not in place (Caffe refuses it: backward
// needs the sign of x, which y has lost).

__kernel void absval_forward(const int n, __global const float* restrict x, __global float* restrict y) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    y[i] = fabs(x[i]);
}

__kernel void absval_backward(const int n, __global const float* restrict x, __global const float* restrict dy,
                              __global float* restrict dx) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float v = x[i];
    const float g = dy[i];
    dx[i] = v > 0.0f ? g : (v < 0.0f ? -g : 0.0f);
}
