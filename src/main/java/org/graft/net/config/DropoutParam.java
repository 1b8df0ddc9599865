package org.graft.net.config;

/** Caffe's DropoutParameter: the fraction of units dropped in TRAIN (default 0.5). */
public record DropoutParam(float dropoutRatio) {
    public static final DropoutParam DEFAULT = new DropoutParam(0.5f);
}
