package org.graft.ops.deconvolution;

import java.util.Arrays;
import java.util.List;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.kernels.Gemm;
import org.graft.kernels.Im2col;
import org.graft.layers.LayerShapes;
import org.graft.layers.Pass;
import org.graft.opencl.ClBuffer;
import org.graft.ops.convolution.BaseConvolutionLayer;
import org.graft.ops.convolution.ConvolutionLayer;

/**
 * Caffe's Deconvolution layer, the transpose of convolution: its forward pass is a convolution's input
 * gradient and its input gradient a convolution's forward pass (both through
 * {@link org.graft.ops.convolution.ConvolutionGemm}, with the roles of bottom and top swapped). It reads convolution_param ({@link ConvolutionLayer.Spec}); bottom (N, C, H, W),
 * top (N, OC, OH, OW) with OH = stride·(H − 1) + dilation·(kh − 1) + 1 − 2·pad (likewise OW), weights
 * (C, OC/group, kh, kw), bias (OC). Reference: {@link DeconvolutionReference}.
 *
 * <p>The bias is added and its gradient summed by GEMMs against a vector of ones, as Caffe does. Backward skips
 * the gradients of frozen parameters (lr_mult 0).
 */
public final class DeconvolutionLayer extends BaseConvolutionLayer {
    private int[] topShape;
    private ClBuffer ones;         // max(OH·OW, N) ones: the bias multiplier
    private ClBuffer biasPartial;  // N·OC per-image sums of the top diff
    private long onesFloats;
    private long partialFloats;

    public DeconvolutionLayer(String name, ConvolutionLayer.Spec spec) {
        this(name, spec, ConvolutionLayer.DEFAULT_WORKSPACE_BYTES);
    }

    /** With an explicit workspace bound (the case forces one image per step with it). */
    DeconvolutionLayer(String name, ConvolutionLayer.Spec spec, long workspaceBytes) {
        super(name, spec, workspaceBytes);
    }

    @Override
    public String type() {
        return "Deconvolution";
    }

    /** Images per step, as chosen by the last {@link #setUp} (for the case, in this package). */
    int imagesPerStep() {
        return gemm.chunk();
    }

    /** Caffe's rule: stride·(in − 1) + dilation·(k − 1) + 1 − 2·pad. */
    @Override
    protected long outputSize(int in, int kernel, int pad, int stride, int dilation) {
        return (long) stride * (in - 1) + (long) dilation * (kernel - 1) + 1 - 2L * pad;
    }

    /** (C, OC/group, kh, kw). */
    @Override
    protected int[] weightShape(int channels) {
        return new int[] {channels, spec.numOutput() / spec.group(), spec.kernelH(), spec.kernelW()};
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        LayerShapes shapes = shapes(bottomShapes);
        int[] bottom = bottomShapes.get(0);
        int[] top = shapes.tops().get(0);
        setUpParams(shapes, bottom);
        // The convolution this layer transposes: from the top (OC channels, OH×OW) to the bottom (C channels, H×W).
        Im2col.Geometry g = new Im2col.Geometry(top[1], top[2], top[3], spec.kernelH(), spec.kernelW(),
                spec.padH(), spec.padW(), spec.strideH(), spec.strideW(), spec.dilationH(), spec.dilationW());
        gemm.setUp(engine, g, bottom[1], spec.group(), bottom[0], false);
        if (spec.biasTerm()) {
            long needOnes = Math.max((long) top[2] * top[3], top[0]);
            if (needOnes > onesFloats) {
                release(ones);
                ones = engine.alloc(needOnes, name + ".biasMultiplier");
                float[] values = new float[(int) needOnes];
                Arrays.fill(values, 1f);
                engine.cl().writeFloats(ones, values);
                onesFloats = needOnes;
            }
            long needPartial = (long) top[0] * top[1];
            if (needPartial > partialFloats) {
                release(biasPartial);
                biasPartial = engine.alloc(needPartial, name + ".biasPartial");
                partialFloats = needPartial;
            }
        }
        this.topShape = top.clone();
        return shapes.tops();
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        checkBottom(bottom.get(0));
        ClBuffer y = top.get(0).data();
        gemm.backward(bottom.get(0).data(), null, null, weights.blob().data(), null, null, y);
        if (bias != null) {
            int oc = topShape[1];
            int ohw = topShape[2] * topShape[3];
            // y_n (OC × OH·OW) += bias (OC × 1) · ones (1 × OH·OW), for every image n.
            Gemm.batched(engine, false, false, oc, ohw, 1, 1f,
                    bias.blob().data(), 0, 1, 0,
                    ones, 0, ohw, 0,
                    1f, y, 0, ohw, oc * ohw, topShape[0]);
        }
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        Blob in = bottom.get(0);
        checkBottom(in);
        ClBuffer topDiff = top.get(0).diff();
        if (bias != null && !bias.frozen()) {
            int rows = topShape[0] * topShape[1];
            int ohw = topShape[2] * topShape[3];
            // Per image and channel: partial (N·OC × 1) = dTop (N·OC × OH·OW) · ones,
            // then over the images: dBias (1 × OC) += onesᵀ (1 × N) · partial (N × OC).
            Gemm.gemm(engine, false, false, rows, 1, ohw, 1f, topDiff, 0, ohw, ones, 0, 1, 0f, biasPartial, 0, 1);
            Gemm.gemm(engine, false, false, 1, topShape[1], topShape[0], 1f, ones, 0, topShape[0], biasPartial, 0, topShape[1],
                    1f, bias.blob().diff(), 0, topShape[1]);
        }
        if (!weights.frozen()) {
            // Caffe's weight gradient of a deconvolution: the convolution's, with the top diff as the convolution's
            // input and the bottom as its output diff.
            gemm.backward(in.data(), null, topDiff, weights.blob().data(), weights.blob().diff(), null, null);
        }
        if (propagateDown[0]) {
            gemm.forward(topDiff, weights.blob().data(), null, false, in.diff());
        }
    }

    /** The transposed convolution's multiply-adds, plus one add per output for the bias. */
    @Override
    public long forwardFlops() {
        long biasFlops = topShape != null && bias != null ? (long) topShape[0] * topShape[1] * topShape[2] * topShape[3] : 0;
        return gemm.forwardFlops() + biasFlops;
    }

    private static void release(ClBuffer b) {
        if (b != null) {
            b.close();
        }
    }

    @Override
    public void close() {
        release(ones);
        release(biasPartial);
        ones = null;
        biasPartial = null;
        onesFloats = 0;
        partialFloats = 0;
        super.close();
    }
}
