// Softmax along one axis of a blob viewed as (outer, channels, inner): every (outer, inner) position
// is an independent distribution over its `channels` values, which lie `inner` floats apart.
// One work-item per position; dimension 0 runs along `inner`, so neighbouring work-items touch
// neighbouring memory whenever inner > 1 (and for inner == 1 each reads one contiguous row).
// No local memory, no barriers.

// y = exp(x - max) / sum(exp(x - max)); subtracting the maximum keeps exp() from overflowing.
// y may alias x (each element is read before it is written by the same work-item).
__kernel void softmax_forward(__global const float* x, __global float* y,
                              const int outer, const int channels, const int inner) {
    const int pos = get_global_id(0);
    if (pos >= outer * inner) {
        return;
    }
    const int o = pos / inner;
    const int i = pos - o * inner;
    const int base = o * channels * inner + i;
    float m = x[base];
    for (int c = 1; c < channels; c++) {
        m = fmax(m, x[base + c * inner]);
    }
    float sum = 0.0f;
    for (int c = 0; c < channels; c++) {
        const float e = exp(x[base + c * inner] - m);
        y[base + c * inner] = e;
        sum += e;
    }
    for (int c = 0; c < channels; c++) {
        y[base + c * inner] /= sum;
    }
}

// dx = y * (dy - sum_c dy*y). dx may alias dy.
__kernel void softmax_backward(__global const float* y, __global const float* dy, __global float* dx,
                               const int outer, const int channels, const int inner) {
    const int pos = get_global_id(0);
    if (pos >= outer * inner) {
        return;
    }
    const int o = pos / inner;
    const int i = pos - o * inner;
    const int base = o * channels * inner + i;
    float dot = 0.0f;
    for (int c = 0; c < channels; c++) {
        dot += dy[base + c * inner] * y[base + c * inner];
    }
    for (int c = 0; c < channels; c++) {
        const int k = base + c * inner;
        dx[k] = y[k] * (dy[k] - dot);
    }
}
