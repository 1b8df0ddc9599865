// Caffe's "Eltwise" over k >= 2 bottoms of one shape, built from pairwise passes in Caffe's order
// (eltwise_layer.cpp), one work-item per element. Pointers may alias (y == a when a pass accumulates
// into the top, dx == dy never happens: Eltwise does not run in place), so none is restrict.

// SUM: y = a*x for the first bottom, y += a*x for the others.
__kernel void eltwise_axpy(const int n, __global const float* x, const float a, __global float* y, const int first) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    y[i] = first ? a * x[i] : y[i] + a * x[i];
}

// PROD (y = a*b, also y *= b with a == y) and the products of its backward pass.
__kernel void eltwise_mul(const int n, __global const float* a, __global const float* b, __global float* y) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    y[i] = a[i] * b[i];
}

// MAX of bottoms 0 and 1: bottom 0 only where strictly greater, so a tie goes to bottom 1 (Caffe's CPU rule).
__kernel void eltwise_max_first(const int n, __global const float* a, __global const float* b, __global float* y,
                                __global int* mask) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float va = a[i];
    const float vb = b[i];
    y[i] = va > vb ? va : vb;
    mask[i] = va > vb ? 0 : 1;
}

// MAX with bottom k >= 2: it takes over only where strictly greater, so a tie stays with the earlier bottom.
__kernel void eltwise_max_next(const int n, __global const float* b, const int k, __global float* y, __global int* mask) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float vb = b[i];
    if (vb > y[i]) {
        y[i] = vb;
        mask[i] = k;
    }
}

// SUM backward: dx = coeff * dy.
__kernel void eltwise_scale(const int n, __global const float* dy, const float a, __global float* dx) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    dx[i] = a * dy[i];
}

// PROD backward with stable_prod_grad false: dx = (y / x) * dy, Caffe's order of operations.
__kernel void eltwise_div_mul(const int n, __global const float* y, __global const float* x, __global const float* dy,
                              __global float* dx) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    dx[i] = (y[i] / x[i]) * dy[i];
}

// MAX backward: the gradient goes to the bottom that held the maximum.
__kernel void eltwise_max_backward(const int n, __global const float* dy, __global const int* mask, const int k,
                                   __global float* dx) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    dx[i] = mask[i] == k ? dy[i] : 0.0f;
}
