package org.graft.net.config;

import org.graft.ops.convolution.ConvolutionLayer;

/**
 * A Convolution layer's settings: the layer's own {@link ConvolutionLayer.Spec} (Caffe's repeated/per-axis
 * forms already resolved into height and width; axis is always 1, the binder refuses others) and the
 * fillers of its weights and bias (Caffe's default: constant 0).
 */
public record ConvolutionParam(ConvolutionLayer.Spec spec, Filler weightFiller, Filler biasFiller) {
    public ConvolutionParam {
        weightFiller = weightFiller == null ? Filler.DEFAULT : weightFiller;
        biasFiller = biasFiller == null ? Filler.DEFAULT : biasFiller;
    }

    /** Square kernel, stride and pad; bias on, no dilation, one group, Caffe's default fillers. */
    public static ConvolutionParam square(int numOutput, int kernel, int stride, int pad) {
        return new ConvolutionParam(ConvolutionLayer.Spec.square(numOutput, kernel, stride, pad), Filler.DEFAULT, Filler.DEFAULT);
    }

    public ConvolutionParam withFillers(Filler weights, Filler bias) {
        return new ConvolutionParam(spec, weights, bias);
    }

    public ConvolutionParam withNumOutput(int n) {
        ConvolutionLayer.Spec s = spec;
        return new ConvolutionParam(new ConvolutionLayer.Spec(n, s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(),
                s.padW(), s.dilationH(), s.dilationW(), s.group(), s.biasTerm()), weightFiller, biasFiller);
    }
}
