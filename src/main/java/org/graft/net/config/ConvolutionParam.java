package org.graft.net.config;

/**
 * Caffe's ConvolutionParameter, 2-D, with Caffe's repeated/per-axis forms already resolved into height
 * and width (kernel_size: [5] and kernel_h: 5, kernel_w: 5 load the same). Defaults: bias_term true,
 * stride 1, pad 0, dilation 1, group 1, fillers constant 0, axis 1.
 */
public record ConvolutionParam(int numOutput, boolean biasTerm, int kernelH, int kernelW, int strideH, int strideW,
                               int padH, int padW, int dilationH, int dilationW, int group,
                               Filler weightFiller, Filler biasFiller, int axis) {
    public ConvolutionParam {
        weightFiller = weightFiller == null ? Filler.DEFAULT : weightFiller;
        biasFiller = biasFiller == null ? Filler.DEFAULT : biasFiller;
    }

    /** Square kernel, stride and pad; bias on, no dilation, one group, Caffe's default fillers. */
    public static ConvolutionParam square(int numOutput, int kernel, int stride, int pad) {
        return new ConvolutionParam(numOutput, true, kernel, kernel, stride, stride, pad, pad, 1, 1, 1,
                Filler.DEFAULT, Filler.DEFAULT, 1);
    }

    public ConvolutionParam withFillers(Filler weights, Filler bias) {
        return new ConvolutionParam(numOutput, biasTerm, kernelH, kernelW, strideH, strideW, padH, padW,
                dilationH, dilationW, group, weights, bias, axis);
    }

    public ConvolutionParam withGroup(int groups) {
        return new ConvolutionParam(numOutput, biasTerm, kernelH, kernelW, strideH, strideW, padH, padW,
                dilationH, dilationW, groups, weightFiller, biasFiller, axis);
    }

    public ConvolutionParam withNumOutput(int n) {
        return new ConvolutionParam(n, biasTerm, kernelH, kernelW, strideH, strideW, padH, padW,
                dilationH, dilationW, group, weightFiller, biasFiller, axis);
    }
}
