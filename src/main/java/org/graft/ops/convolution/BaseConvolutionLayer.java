package org.graft.ops.convolution;

import java.util.Arrays;
import java.util.List;
import org.graft.engine.Blob;
import org.graft.layers.Layer;
import org.graft.layers.LayerShapes;
import org.graft.layers.Param;

/**
 * What Convolution and Deconvolution share (Caffe's BaseConvolutionLayer): the settings of convolution_param,
 * the {@link ConvolutionGemm} that computes both, the weights and bias, and the shape rules that differ only in
 * the output size along an axis and the weights' shape. Bottom (N, C, H, W), top (N, num_output, OH, OW).
 */
public abstract class BaseConvolutionLayer extends Layer {
    protected final ConvolutionLayer.Spec spec;
    protected final ConvolutionGemm gemm;
    protected Param weights;
    protected Param bias;
    private int[] bottomShape;

    protected BaseConvolutionLayer(String name, ConvolutionLayer.Spec spec, long workspaceBytes) {
        super(name);
        this.spec = spec;
        this.gemm = new ConvolutionGemm(name, workspaceBytes);
    }

    @Override
    public ConvolutionLayer.Spec settings() {
        return spec;
    }

    /** Images per im2col/GEMM step, as chosen by the last setUp. */
    int chunk() {
        return gemm.chunk();
    }

    /** Whether the last setUp's geometry takes the 1x1 path (GEMM straight on NCHW, no im2col). */
    boolean pointwise() {
        return gemm.pointwise();
    }

    /** This layer's output size along one axis (may be < 1 for settings that do not fit the input). */
    protected abstract long outputSize(int in, int kernel, int pad, int stride, int dilation);

    /** The weights' shape for {@code channels} input channels (-1 when not known yet). */
    protected abstract int[] weightShape(int channels);

    @Override
    public final LayerShapes shapes(List<int[]> bottomShapes) {
        int[] shape = bottomShapes.get(0);
        if (shape.length != 4) {
            throw shapeError("expected a 4-D bottom (N, C, H, W)", shape);
        }
        int channels = shape[1];
        int group = spec.group();
        if (channels >= 0 && channels % group != 0) {
            throw shapeError("input channels (" + channels + ") must be divisible by group (" + group + ")", shape);
        }
        if (spec.numOutput() % group != 0) {
            throw shapeError("num_output (" + spec.numOutput() + ") must be divisible by group (" + group + ")", shape);
        }
        int outH = checkedOutputSize("height", shape[2], spec.kernelH(), spec.padH(), spec.strideH(), spec.dilationH(), shape);
        int outW = checkedOutputSize("width", shape[3], spec.kernelW(), spec.padW(), spec.strideW(), spec.dilationW(), shape);
        int[] w = weightShape(channels);
        List<int[]> params = spec.biasTerm() ? List.of(w, new int[] {spec.numOutput()}) : List.of(w);
        return new LayerShapes(List.of(new int[] {shape[0], spec.numOutput(), outH, outW}), params);
    }

    private int checkedOutputSize(String axis, int in, int k, int pad, int stride, int dil, int[] shape) {
        if (in < 0) {
            return -1;
        }
        long out = outputSize(in, k, pad, stride, dil);
        if (out < 1 || out > Integer.MAX_VALUE) {
            throw shapeError(String.format("output %s would be %d (input %d, kernel %d, dilation %d, pad %d, stride %d)",
                    axis, out, in, k, dil, pad, stride), shape);
        }
        return (int) out;
    }

    /** Allocates the weights (and bias) on the first call; later calls may not change their shape. */
    protected final void setUpParams(LayerShapes shapes, int[] bottom) {
        int[] wShape = shapes.params().get(0);
        if (weights == null) {
            weights = new Param("weights", newParam("weights", wShape));
            params.add(weights);
            if (spec.biasTerm()) {
                bias = new Param("bias", newParam("bias", shapes.params().get(1)));
                params.add(bias);
            }
        } else if (!Arrays.equals(weights.blob().shape(), wShape)) {
            throw shapeError("weights were set up as " + Arrays.toString(weights.blob().shape())
                    + " and cannot change to " + Arrays.toString(wShape), bottom);
        }
        this.bottomShape = bottom.clone();
    }

    @Override
    protected final void adoptParams() {
        weights = params.get(0);
        bias = params.size() > 1 ? params.get(1) : null;
        if (spec.biasTerm() != (bias != null)) {
            throw new IllegalArgumentException("layer '" + name + "': bias_term is " + spec.biasTerm() + " but the shared layer has "
                    + params.size() + " parameter blob(s)");
        }
    }

    /** The bottom shape of the last setUp. */
    protected final int[] bottomShape() {
        return bottomShape;
    }

    protected final void checkBottom(Blob in) {
        if (bottomShape == null) {
            throw new IllegalStateException("layer '" + name + "' (" + type() + ") used before setUp");
        }
        if (!Arrays.equals(in.shape(), bottomShape)) {
            throw new IllegalStateException("layer '" + name + "' (" + type() + ") was set up for bottom shape "
                    + Arrays.toString(bottomShape) + " but got " + Arrays.toString(in.shape()) + "; call setUp again");
        }
    }

    @Override
    public void close() {
        gemm.close();
        super.close();
    }
}
