// The bias parts of the inner product layer, and its fused ReLU; the products themselves run through gemm.cl.
// top and dy are M x N row-major (M = outer count, N = num_output).

// top[m][n] += bias[n] (if hasBias), then a fused ReLU (if relu), written exactly as relu.cl computes it
// (negative_slope 0) so that fused and unfused nets agree to the bit. Dimension 0 runs along n so
// neighbouring work-items touch neighbouring floats.
__kernel void ip_bias_relu(const int M, const int N, __global float* restrict top, __global const float* restrict bias,
                           const int hasBias, const int relu) {
    const int n = get_global_id(0);
    const int m = get_global_id(1);
    if (n >= N || m >= M) {
        return;
    }
    float v = top[m * N + n];
    if (hasBias) {
        v += bias[n];
    }
    if (relu) {
        v = v > 0.0f ? v : v * 0.0f;
    }
    top[m * N + n] = v;
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

// The fused ReLU's backward: dy[m][n] *= (top[m][n] > 0), in place (as the in-place ReLU layer leaves its
// diff), and with biasGrad also dbias[n] += the column's masked sum, in the same pass over dy.
// Layout as ip_bias_grad.
__kernel void ip_relu_backward(const int M, const int N, __global const float* restrict top, __global float* restrict dy,
                               const int biasGrad, __global float* restrict dbias) {
    const int n = get_global_id(0);
    if (n >= N) {
        return;
    }
    float sum = 0.0f;
    for (int m = 0; m < M; m++) {
        const int i = m * N + n;
        const float g = dy[i];
        const float masked = top[i] > 0.0f ? g : g * 0.0f;
        dy[i] = masked;
        sum += masked;
    }
    if (biasGrad) {
        dbias[n] += sum;
    }
}
