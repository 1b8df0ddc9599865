// Caffe's "BatchNorm": y = (x − mean_c) / sqrt(var_c + eps) per channel c (axis 1), the data viewed as
// N × C × S. The per-channel sums are kernels/channel_sum.cl's; these kernels are the element-wise steps
// and the per-channel bookkeeping. x and y may be one buffer (in place), as dy and dx may: no restrict.

// xc = x − mean_c: the centred input, kept by the layer (Caffe's x_norm) so backward survives in place.
__kernel void bn_center(const int n, const int channels, const int spatial, __global const float* x,
                        __global const float* mean, __global float* xc) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    xc[i] = x[i] - mean[(i / spatial) % channels];
}

// From the batch's mean and (biased) variance: std_c = sqrt(var_c + eps), and when update is set
// Caffe's running sums: mean_sum = maf·mean_sum + mean, var_sum = maf·var_sum + correction·var,
// factor = maf·factor + 1 (work-item 0 alone writes the factor; no other work-item reads it here).
__kernel void bn_batch_stats(const int channels, __global const float* mean, __global const float* var,
                             const float eps, __global float* std, const int update, const float maf,
                             const float correction, __global float* mean_sum, __global float* var_sum,
                             __global float* factor) {
    const int c = get_global_id(0);
    if (c >= channels) {
        return;
    }
    std[c] = sqrt(var[c] + eps);
    if (update) {
        mean_sum[c] = maf * mean_sum[c] + mean[c];
        var_sum[c] = maf * var_sum[c] + correction * var[c];
        if (c == 0) {
            factor[0] = maf * factor[0] + 1.0f;
        }
    }
}

// The stored statistics: Caffe keeps sums scaled by factor, divided out here (factor 0 means 0).
__kernel void bn_global_stats(const int channels, __global const float* mean_sum, __global const float* var_sum,
                              __global const float* factor, const float eps, __global float* mean, __global float* std) {
    const int c = get_global_id(0);
    if (c >= channels) {
        return;
    }
    const float f = factor[0];
    const float s = f == 0.0f ? 0.0f : 1.0f / f;
    mean[c] = s * mean_sum[c];
    std[c] = sqrt(s * var_sum[c] + eps);
}

// Batch statistics: xc becomes x̂ = xc / std_c, which is also the top.
__kernel void bn_normalize(const int n, const int channels, const int spatial, __global float* xc,
                           __global const float* std, __global float* y) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float v = xc[i] / std[(i / spatial) % channels];
    xc[i] = v;
    y[i] = v;
}

// Stored statistics: y = (x − mean_c) / std_c.
__kernel void bn_apply(const int n, const int channels, const int spatial, __global const float* x,
                       __global const float* mean, __global const float* std, __global float* y) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const int c = (i / spatial) % channels;
    y[i] = (x[i] - mean[c]) / std[c];
}

// Batch statistics (Caffe's formula): dx = (dy − mean(dy) − x̂·mean(dy·x̂)) / std_c, the means per channel.
__kernel void bn_backward_batch(const int n, const int channels, const int spatial, __global const float* dy,
                                __global const float* xhat, __global const float* mean_dy,
                                __global const float* mean_dy_xhat, __global const float* std, __global float* dx) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const int c = (i / spatial) % channels;
    dx[i] = (dy[i] - mean_dy[c] - xhat[i] * mean_dy_xhat[c]) / std[c];
}

// Stored statistics are constants: dx = dy / std_c.
__kernel void bn_backward_global(const int n, const int channels, const int spatial, __global const float* dy,
                                 __global const float* std, __global float* dx) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    dx[i] = dy[i] / std[(i / spatial) % channels];
}
