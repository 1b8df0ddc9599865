// Concat and Slice: one "part" blob (outer x partAxis x inner) against the window [offset, offset + partAxis)
// of the axis of a "whole" blob (outer x wholeAxis x inner). Concat's forward and Slice's backward write the
// part into the window, Concat's backward and Slice's forward read the window into the part. One work-item
// per part element; part and whole are distinct buffers, so both may be restrict.

inline int window_index(const int i, const int partAxis, const int wholeAxis, const int offset, const int inner) {
    const int span = partAxis * inner;
    const int o = i / span;
    return (o * wholeAxis + offset) * inner + (i - o * span);
}

__kernel void window_write(const int n, __global const float* restrict part, __global float* restrict whole,
                           const int partAxis, const int wholeAxis, const int offset, const int inner) {
    const int i = get_global_id(0);
    if (i < n) {
        whole[window_index(i, partAxis, wholeAxis, offset, inner)] = part[i];
    }
}

__kernel void window_read(const int n, __global const float* restrict whole, __global float* restrict part,
                          const int partAxis, const int wholeAxis, const int offset, const int inner) {
    const int i = get_global_id(0);
    if (i < n) {
        part[i] = whole[window_index(i, partAxis, wholeAxis, offset, inner)];
    }
}
