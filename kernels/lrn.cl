// Local response normalisation over N x C x H x W blobs, as Caffe's LRNLayer.
// Reference: org.graft.reference.LRNReference (documents the maths and the derivation of the
// WITHIN_CHANNEL form from Caffe's split/square/pool/power/product chain).
//
//   ACROSS_CHANNELS: scale = k + alpha/n * sum of x^2 over the n channels centred on c (zero-padded)
//   WITHIN_CHANNEL:  scale = 1 + alpha * (sum of x^2 over the n x n window centred on (h, w),
//                    clipped to the image) / (n*n)
//   y = x * scale^-beta
//   dx = dy * scale^-beta - ratio * x * sum over the same window of (dy * y / scale),
//   with ratio = 2*alpha*beta/n (across) or 2*alpha*beta/(n*n) (within).
//
// One work-item per element; dimension 0 walks the innermost axis so neighbouring work-items touch
// neighbouring memory (the channel loop of ACROSS reads H*W-strided but coalesced rows).
// Forward stores scale for backward; backward recomputes the neighbours' y/scale ratios instead of
// keeping a second buffer.

__kernel void lrn_across_forward(const int count, const int C, const int HW, const int reach,
                                 const float alphaOverSize, const float k, const float negBeta,
                                 __global const float* restrict bottom,
                                 __global float* restrict scale,
                                 __global float* restrict top) {
    const int index = get_global_id(0);
    if (index >= count) {
        return;
    }
    const int c = (index / HW) % C;
    const int channel0 = index - c * HW; // same (n, h, w) in channel 0
    const int cFirst = max(c - reach, 0);
    const int cLast = min(c + reach, C - 1);
    float sum = 0.0f;
    for (int j = cFirst; j <= cLast; j++) {
        const float v = bottom[channel0 + j * HW];
        sum += v * v;
    }
    const float s = k + alphaOverSize * sum;
    scale[index] = s;
    top[index] = bottom[index] * pow(s, negBeta);
}

__kernel void lrn_across_backward(const int count, const int C, const int HW, const int reach,
                                  const float ratio, const float negBeta,
                                  __global const float* restrict bottom,
                                  __global const float* restrict top,
                                  __global const float* restrict scale,
                                  __global const float* restrict topDiff,
                                  __global float* restrict bottomDiff) {
    const int index = get_global_id(0);
    if (index >= count) {
        return;
    }
    const int c = (index / HW) % C;
    const int channel0 = index - c * HW;
    const int cFirst = max(c - reach, 0);
    const int cLast = min(c + reach, C - 1);
    float acc = 0.0f;
    for (int j = cFirst; j <= cLast; j++) {
        const int i = channel0 + j * HW;
        acc += topDiff[i] * top[i] / scale[i];
    }
    bottomDiff[index] = topDiff[index] * pow(scale[index], negBeta) - ratio * bottom[index] * acc;
}

__kernel void lrn_within_forward(const int count, const int H, const int W, const int reach,
                                 const float alpha, const float area, const float negBeta,
                                 __global const float* restrict bottom,
                                 __global float* restrict scale,
                                 __global float* restrict top) {
    const int index = get_global_id(0);
    if (index >= count) {
        return;
    }
    const int w = index % W;
    const int h = (index / W) % H;
    __global const float* x = bottom + (index - h * W - w);
    const int hFirst = max(h - reach, 0);
    const int hLast = min(h + reach, H - 1);
    const int wFirst = max(w - reach, 0);
    const int wLast = min(w + reach, W - 1);
    float sum = 0.0f;
    for (int i = hFirst; i <= hLast; i++) {
        for (int j = wFirst; j <= wLast; j++) {
            const float v = x[i * W + j];
            sum += v * v;
        }
    }
    // Same operation order as Caffe: average pool (sum / n^2), then power layer 1 + alpha * avg.
    const float s = 1.0f + alpha * (sum / area);
    scale[index] = s;
    top[index] = bottom[index] * pow(s, negBeta);
}

__kernel void lrn_within_backward(const int count, const int H, const int W, const int reach,
                                  const float ratio, const float negBeta,
                                  __global const float* restrict bottom,
                                  __global const float* restrict top,
                                  __global const float* restrict scale,
                                  __global const float* restrict topDiff,
                                  __global float* restrict bottomDiff) {
    const int index = get_global_id(0);
    if (index >= count) {
        return;
    }
    const int w = index % W;
    const int h = (index / W) % H;
    const int plane = index - h * W - w;
    const int hFirst = max(h - reach, 0);
    const int hLast = min(h + reach, H - 1);
    const int wFirst = max(w - reach, 0);
    const int wLast = min(w + reach, W - 1);
    float acc = 0.0f;
    for (int i = hFirst; i <= hLast; i++) {
        for (int j = wFirst; j <= wLast; j++) {
            const int t = plane + i * W + j;
            acc += topDiff[t] * top[t] / scale[t];
        }
    }
    bottomDiff[index] = topDiff[index] * pow(scale[index], negBeta) - ratio * bottom[index] * acc;
}
