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

// The same two passes with one work-group of ROW_LOCAL work-items per position, for positions whose
// channels are contiguous (inner == 1) and many (a classifier's 1000 scores at batch 1 would otherwise
// be one work-item's serial loop). Work-item l owns channels l, l + ROW_LOCAL, ...: neighbouring
// work-items read neighbouring floats, and nobody writes an element another one reads, so y may alias x
// (and dx may alias dy). The max and the sums are reduced in local memory by a tree (ROW_LOCAL is a
// power of two, set by the host with -DROW_LOCAL=n).
#ifdef ROW_LOCAL
float row_reduce(__local float* scratch, const int lid, float v, const int is_max) {
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = ROW_LOCAL / 2; s > 0; s >>= 1) {
        if (lid < s) {
            scratch[lid] = is_max ? fmax(scratch[lid], scratch[lid + s]) : scratch[lid] + scratch[lid + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float r = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);  // scratch is reused by the next reduction
    return r;
}

__kernel void softmax_forward_rows(__global const float* x, __global float* y, const int channels) {
    __local float scratch[ROW_LOCAL];
    const int lid = get_local_id(0);
    const int base = get_group_id(0) * channels;
    float m = -INFINITY;
    for (int c = lid; c < channels; c += ROW_LOCAL) {
        m = fmax(m, x[base + c]);
    }
    m = row_reduce(scratch, lid, m, 1);
    float sum = 0.0f;
    for (int c = lid; c < channels; c += ROW_LOCAL) {
        const float e = exp(x[base + c] - m);
        y[base + c] = e;
        sum += e;
    }
    sum = row_reduce(scratch, lid, sum, 0);
    for (int c = lid; c < channels; c += ROW_LOCAL) {
        y[base + c] /= sum;
    }
}

__kernel void softmax_backward_rows(__global const float* y, __global const float* dy, __global float* dx,
                                    const int channels) {
    __local float scratch[ROW_LOCAL];
    const int lid = get_local_id(0);
    const int base = get_group_id(0) * channels;
    float dot = 0.0f;
    for (int c = lid; c < channels; c += ROW_LOCAL) {
        dot += dy[base + c] * y[base + c];
    }
    dot = row_reduce(scratch, lid, dot, 0);
    for (int c = lid; c < channels; c += ROW_LOCAL) {
        dx[base + c] = y[base + c] * (dy[base + c] - dot);
    }
}
#endif
