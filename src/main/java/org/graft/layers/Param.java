package org.graft.layers;

import org.graft.engine.Blob;

/**
 * A learnable blob of a layer (weights or bias) with Caffe's per-blob multipliers. lr_mult 0 freezes
 * the blob: the solver then leaves it bit-identical.
 */
public final class Param {
    private final String name;
    private final Blob blob;
    private float lrMult = 1f;
    private float decayMult = 1f;

    public Param(String name, Blob blob) {
        this.name = name;
        this.blob = blob;
    }

    public String name() {
        return name;
    }

    public Blob blob() {
        return blob;
    }

    public float lrMult() {
        return lrMult;
    }

    public float decayMult() {
        return decayMult;
    }

    public Param multipliers(float lr, float decay) {
        this.lrMult = lr;
        this.decayMult = decay;
        return this;
    }

    public boolean frozen() {
        return lrMult == 0f;
    }
}
