package org.graft.net.config;

/**
 * Caffe's InnerProductParameter. Defaults: bias_term true, fillers constant 0, axis 1, transpose false.
 * The weight blob is (num_output, K), or (K, num_output) when transposed.
 */
public record InnerProductParam(int numOutput, boolean biasTerm, Filler weightFiller, Filler biasFiller, int axis,
                                boolean transpose) {
    public InnerProductParam {
        weightFiller = weightFiller == null ? Filler.DEFAULT : weightFiller;
        biasFiller = biasFiller == null ? Filler.DEFAULT : biasFiller;
    }

    public static InnerProductParam of(int numOutput) {
        return new InnerProductParam(numOutput, true, Filler.DEFAULT, Filler.DEFAULT, 1, false);
    }

    public InnerProductParam withFillers(Filler weights, Filler bias) {
        return new InnerProductParam(numOutput, biasTerm, weights, bias, axis, transpose);
    }

    public InnerProductParam withNumOutput(int n) {
        return new InnerProductParam(n, biasTerm, weightFiller, biasFiller, axis, transpose);
    }
}
