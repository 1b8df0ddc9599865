// The bias parts of the inner product layer; the products themselves run through gemm.cl.
// top and dy are M x N row-major (M = outer count, N = num_output).

// top[m][n] += bias[n]. Dimension 0 runs along n so neighbouring work-items touch neighbouring floats.
__kernel void ip_bias_add(const int M, const int N, __global float* restrict top, __global const float* restrict bias) {
    const int n = get_global_id(0);
    const int m = get_global_id(1);
    if (n >= N || m >= M) {
        return;
    }
    top[m * N + n] += bias[n];
}

// dbias[n] += sum over m of dy[m][n]: one work-item per column, reading rows in turn, so each step of
// the loop is a coalesced row segment across the work-group. No local memory, no barriers.
__kernel void ip_bias_grad(const int M, const int N, __global const float* restrict dy, __global float* restrict dbias) {
    const int n = get_global_id(0);
    if (n >= N) {
        return;
    }
    float sum = 0.0f;
    for (int m = 0; m < M; m++) {
        sum += dy[m * N + n];
    }
    dbias[n] += sum;
}
