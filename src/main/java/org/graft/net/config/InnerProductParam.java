package org.graft.net.config;

import org.graft.ops.innerproduct.InnerProductLayer;

/**
 * An InnerProduct layer's settings: the layer's own {@link InnerProductLayer.Spec} and the fillers of its
 * weights and bias (Caffe's default: constant 0). The weight blob is (num_output, K), or (K, num_output)
 * when transposed.
 */
public record InnerProductParam(InnerProductLayer.Spec spec, Filler weightFiller, Filler biasFiller) {
    public InnerProductParam {
        weightFiller = weightFiller == null ? Filler.DEFAULT : weightFiller;
        biasFiller = biasFiller == null ? Filler.DEFAULT : biasFiller;
    }

    public static InnerProductParam of(int numOutput) {
        return new InnerProductParam(new InnerProductLayer.Spec(numOutput), Filler.DEFAULT, Filler.DEFAULT);
    }

    public InnerProductParam withFillers(Filler weights, Filler bias) {
        return new InnerProductParam(spec, weights, bias);
    }

    public InnerProductParam withNumOutput(int n) {
        return new InnerProductParam(new InnerProductLayer.Spec(n, spec.biasTerm(), spec.transpose(), spec.axis()), weightFiller,
                biasFiller);
    }
}
