// Per-channel sums over the axes around a channel axis: the data is viewed as outer × dim × inner
// (index (o·dim + d)·inner + i) and out[d] = alpha · Σ_{o,i} a·b (b = a's own 1 in channel_sum) + beta · out[d].
// BatchNorm (statistics and their gradients), Scale and Bias (their parameter gradients) use it.
// One work-group per channel d, of any size the device allows: each work-item adds a strided share in
// a fixed order, then a tree halves the partial sums in local memory, so the result is the same at
// every run on a device (no atomics). beta 0 never reads out, which may hold garbage.

static void channel_reduce(__local float* part, const int lid, const int size) {
    for (int n = size; n > 1;) {
        const int h = (n + 1) >> 1;
        if (lid + h < n) {
            part[lid] += part[lid + h];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        n = h;
    }
}

static void channel_store(__global float* out, const int d, const float sum, const float alpha, const float beta) {
    out[d] = beta == 0.0f ? alpha * sum : alpha * sum + beta * out[d];
}

__kernel void channel_sum(const int outer, const int dim, const int inner, __global const float* a,
                          const float alpha, const float beta, __global float* out, __local float* part) {
    const int d = get_group_id(0);
    const int lid = get_local_id(0);
    const int size = get_local_size(0);
    const int m = outer * inner;
    float acc = 0.0f;
    for (int k = lid; k < m; k += size) {
        const int o = k / inner;
        acc += a[(o * dim + d) * inner + (k - o * inner)];
    }
    part[lid] = acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    channel_reduce(part, lid, size);
    if (lid == 0) {
        channel_store(out, d, part[0], alpha, beta);
    }
}

__kernel void channel_dot(const int outer, const int dim, const int inner, __global const float* a,
                          __global const float* b, const float alpha, const float beta, __global float* out,
                          __local float* part) {
    const int d = get_group_id(0);
    const int lid = get_local_id(0);
    const int size = get_local_size(0);
    const int m = outer * inner;
    float acc = 0.0f;
    for (int k = lid; k < m; k += size) {
        const int o = k / inner;
        const int i = (o * dim + d) * inner + (k - o * inner);
        acc += a[i] * b[i];
    }
    part[lid] = acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    channel_reduce(part, lid, size);
    if (lid == 0) {
        channel_store(out, d, part[0], alpha, beta);
    }
}
