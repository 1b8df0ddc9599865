package org.graft.layers;

/**
 * A layer that reads class labels (bottom[1]) against scores (bottom[0]): SoftmaxWithLoss and Accuracy.
 * The net checks the data source's labels against {@link #classes()} when it is built, and every pass's
 * labels through {@link #checkLabels()} when it reads the results back.
 */
public interface LabelledLayer {
    /** The layer's name (as {@link Layer#name()}), for messages. */
    String name();

    /** The number of classes along the scores' axis (known after setUp). */
    int classes();

    /** Caffe's ignore_label, or null when every label must be a class. */
    Integer ignoreLabel();

    /** Throws {@link LabelOutOfRangeException} if a pass since the last check met a bad label. */
    void checkLabels();
}
