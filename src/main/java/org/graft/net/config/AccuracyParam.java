package org.graft.net.config;

/**
 * Caffe's AccuracyParameter: a prediction counts as right when the label is among the top_k scores
 * (default 1); axis 1; an optional label to ignore (null when none).
 */
public record AccuracyParam(int topK, int axis, Integer ignoreLabel) {
    public static final AccuracyParam DEFAULT = new AccuracyParam(1, 1, null);

    public static AccuracyParam topK(int k) {
        return new AccuracyParam(k, 1, null);
    }
}
