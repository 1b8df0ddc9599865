// Sums two arrays of n floats each, stored back to back as in[0..n) and in[n..2n), down to
// `groups` partial sums per array, stored the same way in out[0..groups) and out[groups..2*groups).
// Work-item g adds elements g, g + groups, g + 2*groups, ... so that neighbouring work-items read
// neighbouring memory; the host repeats the pass until groups == 1. No local memory, no barriers,
// and a fixed summation order, so the result is the same on every run.
__kernel void pair_sum(__global const float* in, const int n, __global float* out, const int groups) {
    const int g = get_global_id(0);
    if (g >= groups) {
        return;
    }
    float a = 0.0f;
    float b = 0.0f;
    for (int j = g; j < n; j += groups) {
        a += in[j];
        b += in[n + j];
    }
    out[g] = a;
    out[groups + g] = b;
}
