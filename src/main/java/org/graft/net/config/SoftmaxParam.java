package org.graft.net.config;

/** Caffe's SoftmaxParameter: the axis the softmax runs over (default 1, the channels). */
public record SoftmaxParam(int axis) {
    public static final SoftmaxParam DEFAULT = new SoftmaxParam(1);
}
