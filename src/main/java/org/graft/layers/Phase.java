package org.graft.layers;

/** Caffe's phases: TRAIN (0) and TEST (1). */
public enum Phase {
    TRAIN, TEST
}
