// Convolution as GEMM (Caffe's im2col scheme), batched over a chunk of images.
//
// Column buffer layout (row-major, rows x ncols):
//   row    = (c * KH + i) * KW + j          c: input channel, (i, j): kernel tap
//   column = b * OH * OW + oh * OW + ow     b: image within the chunk
// so one GEMM per group multiplies W_g (OCg x Cg*KH*KW) by a contiguous block of rows, and small images
// still give wide GEMMs (the column count grows with the chunk).
//
// All kernels are element-wise or gather-only: no local memory, no barriers, no atomics.

// Dimension 0: column (neighbouring work-items write neighbouring columns); dimension 1: row.
__kernel void im2col(__global const float* restrict in, const int inOff,
                     const int C, const int H, const int W,
                     const int KH, const int KW, const int padH, const int padW,
                     const int strideH, const int strideW, const int dilH, const int dilW,
                     const int OH, const int OW, const int images,
                     __global float* restrict col) {
    const int column = get_global_id(0);
    const int row = get_global_id(1);
    const int ohw = OH * OW;
    const int ncols = images * ohw;
    if (column >= ncols || row >= C * KH * KW) {
        return;
    }
    const int j = row % KW;
    const int i = (row / KW) % KH;
    const int c = row / (KW * KH);
    const int b = column / ohw;
    const int p = column - b * ohw;
    const int oh = p / OW;
    const int ow = p - oh * OW;
    const int h = oh * strideH - padH + i * dilH;
    const int w = ow * strideW - padW + j * dilW;
    float v = 0.0f;
    if (h >= 0 && h < H && w >= 0 && w < W) {
        v = in[inOff + ((b * C + c) * H + h) * W + w];
    }
    col[row * ncols + column] = v;
}

// Inverse of im2col with summation: each work-item owns one input element (b, c, h, w) and gathers
// every column entry that was read from it, so no two work-items write the same place.
__kernel void col2im(__global const float* restrict col,
                     const int C, const int H, const int W,
                     const int KH, const int KW, const int padH, const int padW,
                     const int strideH, const int strideW, const int dilH, const int dilW,
                     const int OH, const int OW, const int images,
                     __global float* restrict out, const int outOff) {
    const int gid = get_global_id(0);
    if (gid >= images * C * H * W) {
        return;
    }
    const int w = gid % W;
    const int h = (gid / W) % H;
    const int c = (gid / (W * H)) % C;
    const int b = gid / (W * H * C);
    const int ohw = OH * OW;
    const int ncols = images * ohw;
    const int hp = h + padH;
    const int wp = w + padW;
    __global const float* colImage = col + b * ohw;
    float sum = 0.0f;
    for (int i = 0; i < KH; i++) {
        const int th = hp - i * dilH; // = oh * strideH when tap i of output row oh reads row h
        if (th < 0) {
            break; // th only decreases with i
        }
        if (th % strideH != 0) {
            continue;
        }
        const int oh = th / strideH;
        if (oh >= OH) {
            continue;
        }
        for (int j = 0; j < KW; j++) {
            const int tw = wp - j * dilW;
            if (tw < 0) {
                break;
            }
            if (tw % strideW != 0) {
                continue;
            }
            const int ow = tw / strideW;
            if (ow >= OW) {
                continue;
            }
            const int row = (c * KH + i) * KW + j;
            sum += colImage[row * ncols + oh * OW + ow];
        }
    }
    out[outOff + gid] = sum;
}

// GEMM result (OC x images*OHW) to NCHW output, adding the bias (if hasBias) on the way.
// One work-item per output element in NCHW order: both the read and the write run along ohw.
__kernel void cols_to_nchw(__global const float* restrict cols, const int OC, const int ohw, const int images,
                           __global const float* restrict bias, const int hasBias,
                           __global float* restrict out, const int outOff) {
    const int gid = get_global_id(0);
    if (gid >= images * OC * ohw) {
        return;
    }
    const int p = gid % ohw;
    const int oc = (gid / ohw) % OC;
    const int b = gid / (ohw * OC);
    float v = cols[oc * (images * ohw) + b * ohw + p];
    if (hasBias) {
        v += bias[oc];
    }
    out[outOff + gid] = v;
}

// NCHW top diff of a chunk to the GEMM layout (OC x images*OHW): the inverse permutation.
__kernel void nchw_to_cols(__global const float* restrict in, const int inOff, const int OC, const int ohw,
                           const int images, __global float* restrict cols) {
    const int gid = get_global_id(0);
    if (gid >= images * OC * ohw) {
        return;
    }
    const int p = gid % ohw;
    const int oc = (gid / ohw) % OC;
    const int b = gid / (ohw * OC);
    cols[oc * (images * ohw) + b * ohw + p] = in[inOff + gid];
}

// First stage of row sums of a rows x ncols matrix (the bias gradient): work-item (s, r) sums the
// elements s, s + slices, s + 2*slices, ... of row r, so neighbouring work-items read neighbouring
// addresses. With accumulate != 0 the partial sums are added to those of an earlier chunk.
__kernel void row_sum_partial(__global const float* restrict m, const int rows, const int ncols,
                              const int slices, const int accumulate, __global float* restrict partial) {
    const int s = get_global_id(0);
    const int r = get_global_id(1);
    if (s >= slices || r >= rows) {
        return;
    }
    __global const float* row = m + r * ncols;
    float sum = 0.0f;
    for (int j = s; j < ncols; j += slices) {
        sum += row[j];
    }
    const int idx = r * slices + s;
    partial[idx] = accumulate ? partial[idx] + sum : sum;
}

// Second stage: out[r] += sum of the row's partial sums (parameter diffs accumulate, as in Caffe).
__kernel void row_sum_finish(__global const float* restrict partial, const int rows, const int slices,
                             __global float* restrict out) {
    const int r = get_global_id(0);
    if (r >= rows) {
        return;
    }
    float sum = 0.0f;
    for (int s = 0; s < slices; s++) {
        sum += partial[r * slices + s];
    }
    out[r] += sum;
}
