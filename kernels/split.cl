// Split: one blob feeding several layers. Forward copies (done with clEnqueueCopyBuffer on the host
// side); backward sums the consumers' gradients, so no consumer overwrites another's contribution.

__kernel void add_into(const int n, __global float* restrict dst, __global const float* restrict src) {
    const int i = get_global_id(0);
    if (i < n) {
        dst[i] += src[i];
    }
}
