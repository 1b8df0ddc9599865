// Max and average pooling over N x C x H x W blobs, as Caffe's PoolingLayer.
// Reference: org.graft.reference.PoolingReference (documents the maths).
//
// Window (ph, pw) covers padded rows [ph*strideH - padH, +kernelH) and columns likewise.
// MAX scans the window clipped to the image (padded cells never win) row-major, keeping the FIRST
// maximum (strict >), starting from -FLT_MAX with index -1 exactly as Caffe. The argmax is stored as
// h*W + w within the channel plane. AVE divides the sum over the clipped window by the window size
// clipped to in + pad (so padded cells inside the image's padding count in the divisor).
//
// Forward runs one work-item per output; backward one work-item per input and GATHERS the top
// diffs of the windows that cover it (no atomics). Dimension 0 walks the innermost axis so
// neighbouring work-items touch neighbouring memory.

#define GEOMETRY_ARGS const int H, const int W, const int PH, const int PW, \
                      const int kernelH, const int kernelW, const int strideH, const int strideW, \
                      const int padH, const int padW

__kernel void max_pool_forward(const int count, GEOMETRY_ARGS,
                               __global const float* restrict bottom,
                               __global float* restrict top,
                               __global int* restrict argmax) {
    const int index = get_global_id(0);
    if (index >= count) {
        return;
    }
    const int pw = index % PW;
    const int ph = (index / PW) % PH;
    const int plane = index / (PW * PH);
    int hstart = ph * strideH - padH;
    int wstart = pw * strideW - padW;
    const int hend = min(hstart + kernelH, H);
    const int wend = min(wstart + kernelW, W);
    hstart = max(hstart, 0);
    wstart = max(wstart, 0);
    __global const float* x = bottom + plane * H * W;
    float best = -FLT_MAX;
    int bestIndex = -1;
    for (int h = hstart; h < hend; h++) {
        for (int w = wstart; w < wend; w++) {
            const float v = x[h * W + w];
            if (v > best) {
                best = v;
                bestIndex = h * W + w;
            }
        }
    }
    top[index] = best;
    argmax[index] = bestIndex;
}

__kernel void ave_pool_forward(const int count, GEOMETRY_ARGS,
                               __global const float* restrict bottom,
                               __global float* restrict top) {
    const int index = get_global_id(0);
    if (index >= count) {
        return;
    }
    const int pw = index % PW;
    const int ph = (index / PW) % PH;
    const int plane = index / (PW * PH);
    int hstart = ph * strideH - padH;
    int wstart = pw * strideW - padW;
    int hend = min(hstart + kernelH, H + padH);
    int wend = min(wstart + kernelW, W + padW);
    const int poolSize = (hend - hstart) * (wend - wstart);
    hstart = max(hstart, 0);
    wstart = max(wstart, 0);
    hend = min(hend, H);
    wend = min(wend, W);
    __global const float* x = bottom + plane * H * W;
    float sum = 0.0f;
    for (int h = hstart; h < hend; h++) {
        for (int w = wstart; w < wend; w++) {
            sum += x[h * W + w];
        }
    }
    top[index] = sum / (float) poolSize;
}

// Range of windows [first, last) along one axis whose padded extent covers padded coordinate p.
#define FIRST_WINDOW(p, kernel, stride) (((p) < (kernel)) ? 0 : ((p) - (kernel)) / (stride) + 1)
#define LAST_WINDOW(p, stride, pooled) min((p) / (stride) + 1, (pooled))

__kernel void max_pool_backward(const int count, GEOMETRY_ARGS,
                                __global const float* restrict topDiff,
                                __global const int* restrict argmax,
                                __global float* restrict bottomDiff) {
    const int index = get_global_id(0);
    if (index >= count) {
        return;
    }
    const int w = index % W;
    const int h = (index / W) % H;
    const int plane = index / (W * H);
    const int phstart = FIRST_WINDOW(h + padH, kernelH, strideH);
    const int phend = LAST_WINDOW(h + padH, strideH, PH);
    const int pwstart = FIRST_WINDOW(w + padW, kernelW, strideW);
    const int pwend = LAST_WINDOW(w + padW, strideW, PW);
    const int self = h * W + w;
    const int offset = plane * PH * PW;
    float g = 0.0f;
    for (int ph = phstart; ph < phend; ph++) {
        for (int pw = pwstart; pw < pwend; pw++) {
            const int t = offset + ph * PW + pw;
            if (argmax[t] == self) {
                g += topDiff[t];
            }
        }
    }
    bottomDiff[index] = g;
}

__kernel void ave_pool_backward(const int count, GEOMETRY_ARGS,
                                __global const float* restrict topDiff,
                                __global float* restrict bottomDiff) {
    const int index = get_global_id(0);
    if (index >= count) {
        return;
    }
    const int w = index % W;
    const int h = (index / W) % H;
    const int plane = index / (W * H);
    const int phstart = FIRST_WINDOW(h + padH, kernelH, strideH);
    const int phend = LAST_WINDOW(h + padH, strideH, PH);
    const int pwstart = FIRST_WINDOW(w + padW, kernelW, strideW);
    const int pwend = LAST_WINDOW(w + padW, strideW, PW);
    __global const float* dy = topDiff + plane * PH * PW;
    float g = 0.0f;
    for (int ph = phstart; ph < phend; ph++) {
        const int hstart = ph * strideH - padH;
        const int hextent = min(hstart + kernelH, H + padH) - hstart;
        for (int pw = pwstart; pw < pwend; pw++) {
            const int wstart = pw * strideW - padW;
            const int wextent = min(wstart + kernelW, W + padW) - wstart;
            g += dy[ph * PW + pw] / (float) (hextent * wextent);
        }
    }
    bottomDiff[index] = g;
}
