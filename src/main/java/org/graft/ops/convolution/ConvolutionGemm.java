package org.graft.ops.convolution;

import org.graft.engine.Engine;
import org.graft.kernels.Gemm;
import org.graft.kernels.Im2col;
import org.graft.opencl.ClBuffer;

/**
 * Convolution as im2col + GEMM over a chunk of images at a time, the machinery Convolution and Deconvolution
 * share (Deconvolution runs it the other way round: its forward pass is {@link #backward}'s input gradient, its
 * input gradient is {@link #forward}). For a {@link Im2col.Geometry} (C channels, H×W in, OH×OW out) and OC
 * outputs in {@code group} groups, with weights (OC, C/group, kh, kw):
 * <pre>
 *   forward:  out (N, OC, OH, OW) = W ∗ in (+ bias)
 *   backward: dW += dOut ⋆ in, dBias += Σ dOut, dIn = Wᵀ ∗ dOut (each optional)
 * </pre>
 * The column buffer holds {@code chunk·OH·OW} columns, so small images still give wide GEMMs, while the chunk is
 * bounded so that the workspace (column buffer + GEMM result) stays within the given bytes and each buffer within
 * the device's maximum allocation. One batched GEMM covers all groups.
 *
 * <p>A 1x1 convolution with stride 1, no padding and one group ({@link #pointwise}) needs no im2col: each image
 * (C × H·W) is its own column matrix and its output (OC × H·W) already NCHW, so forward is one batched GEMM over
 * the images sharing the weights, plus an in-place bias/ReLU pass; backward computes dIn per image straight into
 * NCHW, and permutes only what the weight gradient needs summed over images (a batched GEMM cannot add its
 * entries into one C). The workspace is allocated on first use, so a forward-only 1x1 layer has none.
 */
public final class ConvolutionGemm implements AutoCloseable {
    /** Upper bound on the partial sums per row of the bias-gradient reduction. */
    private static final int MAX_SLICES = 256;
    /** How many times an image's inputs + outputs must outnumber the weights for the direct 1x1 path ({@link #pointwise}). */
    static final long POINTWISE_PIXEL_MARGIN = 16;

    private final String name;
    private final long workspaceBytes;
    private Engine engine;
    private Im2col.Geometry geometry;
    private int outChannels;
    private int group;
    private int num;
    private int chunk;
    private ClBuffer col;      // colRows × chunk·OH·OW: im2col output, then dcol in backward
    private ClBuffer gemmOut;  // OC × chunk·OH·OW: GEMM result in forward, permuted output diff in backward
    private ClBuffer partial;  // OC × MAX_SLICES partial sums of the bias gradient
    private long colFloats;
    private long gemmOutFloats;
    private long needCol;      // workspace the current geometry and chunk need, allocated by workspace()
    private long needOut;

    /** {@code name} labels the device buffers. */
    public ConvolutionGemm(String name, long workspaceBytes) {
        this.name = name;
        this.workspaceBytes = workspaceBytes;
    }

    /**
     * Prepares for {@code num} images of geometry {@code g} with {@code outChannels} outputs in {@code group}
     * groups; the workspace grows as needed. {@code biasGradient}: whether {@link #backward} will sum a bias gradient.
     */
    public void setUp(Engine engine, Im2col.Geometry g, int outChannels, int group, int num, boolean biasGradient) {
        this.engine = engine;
        this.geometry = g;
        this.outChannels = outChannels;
        this.group = group;
        this.num = num;
        this.chunk = chooseChunk();
        long ohwChunk = (long) chunk * g.outPixels();
        needCol = g.colRows() * ohwChunk;
        needOut = outChannels * ohwChunk;
        if (biasGradient && partial == null) {
            partial = engine.alloc((long) outChannels * MAX_SLICES, name + ".biasPartial");
        }
    }

    /** Grows the column buffer and GEMM result to what the last {@link #setUp} needs. */
    private void workspace() {
        if (needCol > colFloats) {
            release(col);
            col = null;
            colFloats = 0;
            col = engine.alloc(needCol, name + ".col");
            colFloats = needCol;
        }
        if (needOut > gemmOutFloats) {
            release(gemmOut);
            gemmOut = null;
            gemmOutFloats = 0;
            gemmOut = engine.alloc(needOut, name + ".gemmOut");
            gemmOutFloats = needOut;
        }
    }

    /**
     * 1x1 kernel, stride 1, no padding, one group: the input images are the GEMM's column matrices as they are.
     * Taken only where an image's pixels far outweigh the weights ({@link #POINTWISE_PIXEL_MARGIN}·OC·C ≤
     * (C + OC)·HW): each per-image product reads the shared weights again (and the CPU kernel packs them per
     * image), which costs more than the permutations it saves unless the images are large (ResNet's 56x56
     * stage: direct; its 14x14 and 7x7 stages: im2col). The margin is a first guess from short checks on a
     * shared CPU, to be set by measurements on idle machines.
     */
    boolean pointwise() {
        Im2col.Geometry g = geometry;
        long oc = outChannels;
        long c = g.channels();
        return g.kernelH() == 1 && g.kernelW() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0
                && group == 1 && POINTWISE_PIXEL_MARGIN * oc * c <= (c + oc) * g.outPixels();
    }

    public Im2col.Geometry geometry() {
        return geometry;
    }

    /** Images per im2col/GEMM step, as chosen by the last {@link #setUp}. */
    public int chunk() {
        return chunk;
    }

    /**
     * Largest image count whose buffers fit the workspace, the device's allocation limit, int indexing
     * and the im2col kernels' id splitting.
     */
    private int chooseChunk() {
        long ohw = geometry.outPixels();
        long rows = geometry.colRows();
        long oc = outChannels;
        long byWorkspace = workspaceBytes / ((rows + oc) * ohw * 4);
        long biggest = Math.max(rows, oc) * ohw;
        long byAlloc = engine.device().maxAllocBytes() / (biggest * 4);
        long byIndex = Math.min(Integer.MAX_VALUE / biggest, Im2col.maxImages(geometry));
        long c = Math.min(num, Math.min(byWorkspace, Math.min(byAlloc, byIndex)));
        return (int) Math.max(1, c);
    }

    /**
     * out (N, OC, OH, OW) = W ∗ in, plus {@code bias} (OC) unless null, through a fused ReLU (negative_slope 0)
     * when {@code relu}. Overwrites {@code out}.
     */
    public void forward(ClBuffer in, ClBuffer weights, ClBuffer bias, boolean relu, ClBuffer out) {
        int ocg = outChannels / group;
        int kg = geometry.colRows() / group;
        int ohw = geometry.outPixels();
        int inImage = geometry.channels() * geometry.inPixels();
        if (pointwise()) {
            int c = geometry.channels();
            // out_n (OC × OHW) = W (OC × C) · in_n (C × HW) for every image n, W shared (stride 0).
            Gemm.batched(engine, false, false, outChannels, ohw, c, 1f,
                    weights, 0, c, 0,
                    in, 0, ohw, inImage,
                    0f, out, 0, ohw, outChannels * ohw, num);
            if (bias != null || relu) {
                Im2col.biasRelu(engine, out, outChannels, ohw, num, bias, relu);
            }
            return;
        }
        workspace();
        for (int n0 = 0; n0 < num; n0 += chunk) {
            int images = Math.min(chunk, num - n0);
            int ncols = images * ohw;
            Im2col.im2col(engine, geometry, images, in, n0 * inImage, col);
            // Per group g: out_g (OCg × ncols) = W_g (OCg × Kg) · col_g (Kg × ncols).
            Gemm.batched(engine, false, false, ocg, ncols, kg, 1f,
                    weights, 0, kg, ocg * kg,
                    col, 0, ncols, kg * ncols,
                    0f, gemmOut, 0, ncols, ocg * ncols, group);
            Im2col.colsToNchw(engine, gemmOut, outChannels, ohw, images, bias, relu, out, n0 * outChannels * ohw);
        }
    }

    /**
     * The gradients of {@link #forward} for the output diff {@code outDiff}: ADDS to {@code weightDiff} (needs
     * {@code in}) and {@code biasDiff}, OVERWRITES {@code inDiff}; a null target is skipped. {@code reluOut}: the
     * output of a forward with the fused ReLU, whose mask (reluOut &gt; 0) then applies to {@code outDiff}
     * (which is read, not changed); null without one.
     */
    public void backward(ClBuffer outDiff, ClBuffer reluOut, ClBuffer in, ClBuffer weights, ClBuffer weightDiff,
                         ClBuffer biasDiff, ClBuffer inDiff) {
        if (biasDiff != null && partial == null) {
            throw new IllegalStateException(name + ": set up without a bias gradient");
        }
        int ocg = outChannels / group;
        int kg = geometry.colRows() / group;
        int ohw = geometry.outPixels();
        int inImage = geometry.channels() * geometry.inPixels();
        int slices = Math.min(MAX_SLICES, chunk * ohw);
        boolean pointwise = pointwise();
        int c = geometry.channels();
        if (pointwise && weightDiff == null && biasDiff == null && reluOut == null) {
            // Only dIn_n (C × HW) = Wᵀ (C × OC) · dOut_n (OC × HW): NCHW to NCHW, every image at once.
            Gemm.batched(engine, true, false, c, ohw, outChannels, 1f,
                    weights, 0, c, 0,
                    outDiff, 0, ohw, outChannels * ohw,
                    0f, inDiff, 0, ohw, inImage, num);
            return;
        }
        workspace();
        for (int n0 = 0; n0 < num; n0 += chunk) {
            int images = Math.min(chunk, num - n0);
            int ncols = images * ohw;
            int outOff = n0 * outChannels * ohw;
            Im2col.nchwToCols(engine, outDiff, outOff, outChannels, ohw, images, reluOut, gemmOut);
            if (biasDiff != null) {
                Im2col.rowSumPartial(engine, gemmOut, outChannels, ncols, slices, n0 > 0, partial);
            }
            if (pointwise) {
                pointwiseBackward(in, n0, images, weights, weightDiff, inDiff);
                continue;
            }
            if (weightDiff != null) {
                Im2col.im2col(engine, geometry, images, in, n0 * inImage, col);
                // dW_g (OCg × Kg) += dOut_g (OCg × ncols) · col_gᵀ (ncols × Kg).
                Gemm.batched(engine, false, true, ocg, kg, ncols, 1f,
                        gemmOut, 0, ncols, ocg * ncols,
                        col, 0, ncols, kg * ncols,
                        1f, weightDiff, 0, kg, ocg * kg, group);
            }
            if (inDiff != null) {
                // dcol_g (Kg × ncols) = W_gᵀ (Kg × OCg) · dOut_g (OCg × ncols), then summed back into the image.
                Gemm.batched(engine, true, false, kg, ncols, ocg, 1f,
                        weights, 0, kg, ocg * kg,
                        gemmOut, 0, ncols, ocg * ncols,
                        0f, col, 0, ncols, kg * ncols, group);
                Im2col.col2im(engine, geometry, images, col, inDiff, n0 * inImage);
            }
        }
        if (biasDiff != null) {
            Im2col.rowSumFinish(engine, partial, outChannels, slices, biasDiff);
        }
    }

    /**
     * One chunk of a 1x1 backward, the (masked) output diff already in {@code gemmOut} (OC × images·HW): dW sums over
     * all pixels of all images, so the chunk's inputs are permuted to (C × images·HW) for one GEMM; dIn is written
     * per image straight into NCHW.
     */
    private void pointwiseBackward(ClBuffer in, int n0, int images, ClBuffer weights, ClBuffer weightDiff, ClBuffer inDiff) {
        int c = geometry.channels();
        int hw = geometry.outPixels();
        int ncols = images * hw;
        if (weightDiff != null) {
            Im2col.nchwToCols(engine, in, n0 * c * hw, c, hw, images, null, col);
            // dW (OC × C) += dOut (OC × ncols) · inᵀ (ncols × C).
            Gemm.gemm(engine, false, true, outChannels, c, ncols, 1f, gemmOut, 0, ncols, col, 0, ncols, 1f, weightDiff, 0, c);
        }
        if (inDiff != null) {
            // dIn_b (C × HW) = Wᵀ (C × OC) · dOut_b, dOut_b the chunk's columns b·HW .. (b+1)·HW − 1.
            Gemm.batched(engine, true, false, c, hw, outChannels, 1f,
                    weights, 0, c, 0,
                    gemmOut, 0, ncols, hw,
                    0f, inDiff, n0 * c * hw, hw, c * hw, images);
        }
    }

    /** Multiply-adds ×2 of one {@link #forward} (0 before {@link #setUp}). */
    public long forwardFlops() {
        return geometry == null ? 0 : 2L * num * outChannels * geometry.outPixels() * (geometry.colRows() / group);
    }

    private static void release(ClBuffer b) {
        if (b != null) {
            b.close();
        }
    }

    @Override
    public void close() {
        release(col);
        release(gemmOut);
        release(partial);
        col = null;
        gemmOut = null;
        partial = null;
        colFloats = 0;
        gemmOutFloats = 0;
    }
}
