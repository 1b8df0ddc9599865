package org.graft.net.config;

/**
 * Caffe's ParamSpec, one per learnable blob of a layer (weights, then bias): the blob's learning-rate
 * and weight-decay multipliers (both default 1) and an optional sharing name (null when absent).
 * lr_mult 0 freezes the blob.
 */
public record ParamSpec(String name, float lrMult, float decayMult) {
    public static final ParamSpec DEFAULT = new ParamSpec(null, 1f, 1f);

    public static ParamSpec of(float lrMult, float decayMult) {
        return new ParamSpec(null, lrMult, decayMult);
    }

    public ParamSpec withMultipliers(float lr, float decay) {
        return new ParamSpec(name, lr, decay);
    }
}
