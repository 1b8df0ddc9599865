package org.graft.ops.convolution;

import java.util.Arrays;
import java.util.List;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.kernels.Gemm;
import org.graft.kernels.Im2col;
import org.graft.layers.Layer;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.opencl.ClBuffer;

/**
 * Caffe's Convolution layer: top = W ∗ bottom + b with stride, zero padding, dilation and groups
 * (input and output channels split into {@code group} contiguous blocks). Weights (OC, C/group, kh, kw),
 * bias (OC). Reference: {@link org.graft.ops.convolution.ConvolutionReference}.
 *
 * <p>Computed as im2col + GEMM over a chunk of images at a time: the column buffer holds
 * {@code chunk·OH·OW} columns, so small images still give wide GEMMs, while the chunk is bounded so that
 * the workspace (column buffer + GEMM result) stays within {@link #DEFAULT_WORKSPACE_BYTES} and each
 * buffer within the device's maximum allocation. One batched GEMM covers all groups.
 *
 * <p>Backward skips the weight and bias gradients of frozen parameters (lr_mult 0), as Caffe's net
 * does by not propagating to them.
 */
public final class ConvolutionLayer extends Layer {
    /** Column buffer + GEMM result per layer: big enough for wide GEMMs, small next to the activations. */
    public static final long DEFAULT_WORKSPACE_BYTES = 64L << 20;
    /** Upper bound on the partial sums per row of the bias-gradient reduction. */
    private static final int MAX_SLICES = 256;

    /** Caffe's ConvolutionParameter (2-D); defaults: stride 1, pad 0, dilation 1, group 1, bias on. */
    public record Spec(int numOutput, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                       int dilationH, int dilationW, int group, boolean biasTerm) {
        public Spec {
            require(numOutput >= 1, "num_output must be >= 1", numOutput);
            require(kernelH >= 1 && kernelW >= 1, "kernel size must be >= 1", kernelH + "x" + kernelW);
            require(strideH >= 1 && strideW >= 1, "stride must be >= 1", strideH + "x" + strideW);
            require(padH >= 0 && padW >= 0, "pad must be >= 0", padH + "x" + padW);
            require(dilationH >= 1 && dilationW >= 1, "dilation must be >= 1", dilationH + "x" + dilationW);
            require(group >= 1, "group must be >= 1", group);
        }

        /** Square kernel, stride and pad; no dilation, one group, with bias. */
        public static Spec square(int numOutput, int kernel, int stride, int pad) {
            return square(numOutput, kernel, stride, pad, 1);
        }

        /** Square kernel, stride and pad with {@code group} groups; no dilation, with bias. */
        public static Spec square(int numOutput, int kernel, int stride, int pad, int group) {
            return new Spec(numOutput, kernel, kernel, stride, stride, pad, pad, 1, 1, group, true);
        }

        private static void require(boolean ok, String what, Object found) {
            if (!ok) {
                throw new IllegalArgumentException("convolution spec: " + what + ", got " + found);
            }
        }
    }

    private final Spec spec;
    private final long workspaceBytes;

    private Param weights;
    private Param bias;
    private int[] bottomShape;
    private Im2col.Geometry geometry;
    private int num;
    private int chunk;
    private ClBuffer col;      // colRows × chunk·OH·OW: im2col output, then dcol in backward
    private ClBuffer gemmOut;  // OC × chunk·OH·OW: GEMM result in forward, permuted top diff in backward
    private ClBuffer partial;  // OC × MAX_SLICES partial sums of the bias gradient
    private long colFloats;
    private long gemmOutFloats;

    public ConvolutionLayer(String name, Spec spec) {
        this(name, spec, DEFAULT_WORKSPACE_BYTES);
    }

    /** With an explicit workspace bound (tests force small chunks with it). */
    ConvolutionLayer(String name, Spec spec, long workspaceBytes) {
        super(name);
        this.spec = spec;
        this.workspaceBytes = workspaceBytes;
    }

    public Spec spec() {
        return spec;
    }

    /** Images per im2col/GEMM step, as chosen by the last {@link #setUp}. */
    int chunk() {
        return chunk;
    }

    @Override
    public String type() {
        return "Convolution";
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        int[] shape = bottomShapes.get(0);
        if (shape.length != 4) {
            throw shapeError("expected a 4-D bottom (N, C, H, W)", shape);
        }
        int channels = shape[1];
        int group = spec.group();
        if (channels % group != 0) {
            throw shapeError("input channels (" + channels + ") must be divisible by group (" + group + ")", shape);
        }
        if (spec.numOutput() % group != 0) {
            throw shapeError("num_output (" + spec.numOutput() + ") must be divisible by group (" + group + ")", shape);
        }
        Im2col.Geometry g = new Im2col.Geometry(channels, shape[2], shape[3], spec.kernelH(), spec.kernelW(),
                spec.padH(), spec.padW(), spec.strideH(), spec.strideW(), spec.dilationH(), spec.dilationW());
        checkOutputSize("height", g.outH(), shape[2], spec.kernelH(), spec.padH(), spec.strideH(), spec.dilationH(), shape);
        checkOutputSize("width", g.outW(), shape[3], spec.kernelW(), spec.padW(), spec.strideW(), spec.dilationW(), shape);
        setUpParams(channels / group, shape);
        this.bottomShape = shape.clone();
        this.geometry = g;
        this.num = shape[0];
        this.chunk = chooseChunk();
        allocateWorkspace();
        return List.of(new int[] {num, spec.numOutput(), g.outH(), g.outW()});
    }

    private void checkOutputSize(String axis, int out, int in, int k, int pad, int stride, int dil, int[] shape) {
        if (out < 1) {
            throw shapeError(String.format("output %s would be %d (input %d, kernel %d, dilation %d, pad %d, stride %d)",
                    axis, out, in, k, dil, pad, stride), shape);
        }
    }

    @Override
    protected void adoptParams() {
        weights = params.get(0);
        bias = params.size() > 1 ? params.get(1) : null;
        if (spec.biasTerm() != (bias != null)) {
            throw new IllegalArgumentException("layer '" + name + "': bias_term is " + spec.biasTerm() + " but the shared layer has "
                    + params.size() + " parameter blob(s)");
        }
    }

    private void setUpParams(int channelsPerGroup, int[] shape) {
        int[] wShape = {spec.numOutput(), channelsPerGroup, spec.kernelH(), spec.kernelW()};
        if (weights == null) {
            weights = new Param("weights", newParam("weights", wShape));
            params.add(weights);
            if (spec.biasTerm()) {
                bias = new Param("bias", newParam("bias", spec.numOutput()));
                params.add(bias);
            }
        } else if (!Arrays.equals(weights.blob().shape(), wShape)) {
            throw shapeError("weights were set up as " + Arrays.toString(weights.blob().shape())
                    + " and cannot change to " + Arrays.toString(wShape), shape);
        }
    }

    /**
     * Largest image count whose buffers fit the workspace, the device's allocation limit, int indexing
     * and the im2col kernels' id splitting.
     */
    private int chooseChunk() {
        long ohw = geometry.outPixels();
        long rows = geometry.colRows();
        long oc = spec.numOutput();
        long byWorkspace = workspaceBytes / ((rows + oc) * ohw * 4);
        long biggest = Math.max(rows, oc) * ohw;
        long byAlloc = engine.device().maxAllocBytes() / (biggest * 4);
        long byIndex = Math.min(Integer.MAX_VALUE / biggest, Im2col.maxImages(geometry));
        long c = Math.min(num, Math.min(byWorkspace, Math.min(byAlloc, byIndex)));
        return (int) Math.max(1, c);
    }

    private void allocateWorkspace() {
        long ohwChunk = (long) chunk * geometry.outPixels();
        long needCol = geometry.colRows() * ohwChunk;
        long needOut = spec.numOutput() * ohwChunk;
        if (needCol > colFloats) {
            releaseBuffer(col);
            col = engine.alloc(needCol, name + ".col");
            colFloats = needCol;
        }
        if (needOut > gemmOutFloats) {
            releaseBuffer(gemmOut);
            gemmOut = engine.alloc(needOut, name + ".gemmOut");
            gemmOutFloats = needOut;
        }
        if (partial == null) {
            partial = engine.alloc((long) spec.numOutput() * MAX_SLICES, name + ".biasPartial");
        }
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob in = bottom.get(0);
        checkBottom(in);
        int oc = spec.numOutput();
        int ocg = oc / spec.group();
        int kg = geometry.colRows() / spec.group();
        int ohw = geometry.outPixels();
        int inImage = geometry.channels() * geometry.inPixels();
        ClBuffer w = weights.blob().data();
        ClBuffer b = bias != null ? bias.blob().data() : null;
        for (int n0 = 0; n0 < num; n0 += chunk) {
            int images = Math.min(chunk, num - n0);
            int ncols = images * ohw;
            Im2col.im2col(engine, geometry, images, in.data(), n0 * inImage, col);
            // Per group g: out_g (OCg × ncols) = W_g (OCg × Kg) · col_g (Kg × ncols).
            Gemm.batched(engine, false, false, ocg, ncols, kg, 1f,
                    w, 0, kg, ocg * kg,
                    col, 0, ncols, kg * ncols,
                    0f, gemmOut, 0, ncols, ocg * ncols, spec.group());
            Im2col.colsToNchw(engine, gemmOut, oc, ohw, images, b, top.get(0).data(), n0 * oc * ohw);
        }
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        Blob in = bottom.get(0);
        checkBottom(in);
        boolean needWeights = !weights.frozen();
        boolean needBias = bias != null && !bias.frozen();
        boolean needBottom = propagateDown[0];
        if (!needWeights && !needBias && !needBottom) {
            return;
        }
        int oc = spec.numOutput();
        int ocg = oc / spec.group();
        int kg = geometry.colRows() / spec.group();
        int ohw = geometry.outPixels();
        int inImage = geometry.channels() * geometry.inPixels();
        int slices = Math.min(MAX_SLICES, chunk * ohw);
        ClBuffer topDiff = top.get(0).diff();
        for (int n0 = 0; n0 < num; n0 += chunk) {
            int images = Math.min(chunk, num - n0);
            int ncols = images * ohw;
            Im2col.nchwToCols(engine, topDiff, n0 * oc * ohw, oc, ohw, images, gemmOut);
            if (needBias) {
                Im2col.rowSumPartial(engine, gemmOut, oc, ncols, slices, n0 > 0, partial);
            }
            if (needWeights) {
                Im2col.im2col(engine, geometry, images, in.data(), n0 * inImage, col);
                // dW_g (OCg × Kg) += dTop_g (OCg × ncols) · col_gᵀ (ncols × Kg).
                Gemm.batched(engine, false, true, ocg, kg, ncols, 1f,
                        gemmOut, 0, ncols, ocg * ncols,
                        col, 0, ncols, kg * ncols,
                        1f, weights.blob().diff(), 0, kg, ocg * kg, spec.group());
            }
            if (needBottom) {
                // dcol_g (Kg × ncols) = W_gᵀ (Kg × OCg) · dTop_g (OCg × ncols), then summed back into the image.
                Gemm.batched(engine, true, false, kg, ncols, ocg, 1f,
                        weights.blob().data(), 0, kg, ocg * kg,
                        gemmOut, 0, ncols, ocg * ncols,
                        0f, col, 0, ncols, kg * ncols, spec.group());
                Im2col.col2im(engine, geometry, images, col, in.diff(), n0 * inImage);
            }
        }
        if (needBias) {
            Im2col.rowSumFinish(engine, partial, oc, slices, bias.blob().diff());
        }
    }

    private void checkBottom(Blob in) {
        if (bottomShape == null) {
            throw new IllegalStateException("layer '" + name + "' (Convolution) used before setUp");
        }
        if (!Arrays.equals(in.shape(), bottomShape)) {
            throw new IllegalStateException("layer '" + name + "' (Convolution) was set up for bottom shape "
                    + Arrays.toString(bottomShape) + " but got " + Arrays.toString(in.shape()) + "; call setUp again");
        }
    }

    @Override
    public long forwardFlops() {
        if (geometry == null) {
            return 0;
        }
        return 2L * num * spec.numOutput() * geometry.outPixels() * (geometry.colRows() / spec.group());
    }

    /** Weight gradient and bottom gradient each cost one forward; the bias gradient one add per output. */
    @Override
    public long backwardFlops() {
        long biasFlops = geometry != null && bias != null ? (long) num * spec.numOutput() * geometry.outPixels() : 0;
        return 2 * forwardFlops() + biasFlops;
    }

    private static void releaseBuffer(ClBuffer b) {
        if (b != null) {
            b.close();
        }
    }

    @Override
    public void close() {
        releaseBuffer(col);
        releaseBuffer(gemmOut);
        releaseBuffer(partial);
        col = null;
        gemmOut = null;
        partial = null;
        colFloats = 0;
        gemmOutFloats = 0;
        super.close();
    }
}
