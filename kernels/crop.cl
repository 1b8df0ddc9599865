// Caffe's "Crop": the top is the window of the bottom starting at per-axis offsets. One work-item per top
// element; its multi-index, taken apart from the last axis on, plus the offsets gives the bottom element.
// layout holds, for each of the rank axes: the top's dims, then the bottom's strides, then the offsets.
// Forward reads the window; backward writes the top's diff into the (zeroed) window of the bottom's diff.

inline int crop_source(int i, const int rank, __global const int* layout) {
    int src = 0;
    for (int d = rank - 1; d >= 0; d--) {
        const int size = layout[d];
        const int c = i % size;
        i /= size;
        src += (c + layout[2 * rank + d]) * layout[rank + d];
    }
    return src;
}

__kernel void crop_forward(const int n, const int rank, __global const int* layout, __global const float* restrict x,
                           __global float* restrict y) {
    const int i = get_global_id(0);
    if (i < n) {
        y[i] = x[crop_source(i, rank, layout)];
    }
}

__kernel void crop_backward(const int n, const int rank, __global const int* layout, __global const float* restrict dy,
                            __global float* restrict dx) {
    const int i = get_global_id(0);
    if (i < n) {
        dx[crop_source(i, rank, layout)] = dy[i];
    }
}
