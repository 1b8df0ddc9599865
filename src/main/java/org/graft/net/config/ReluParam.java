package org.graft.net.config;

/** Caffe's ReLUParameter: slope for negative inputs (default 0, a plain ReLU). */
public record ReluParam(float negativeSlope) {
    public static final ReluParam DEFAULT = new ReluParam(0f);
}
