package org.graft.layers;

/**
 * A loss or accuracy layer met a label outside [0, classes) that is not its ignore_label. Carries the
 * sample's position in the batch so the caller that knows where the batch came from (the data feed) can
 * name the file and the example.
 */
public final class LabelOutOfRangeException extends IllegalStateException {
    private final String layer;
    private final String label;
    private final int sample;
    private final int classes;

    public LabelOutOfRangeException(String message, String layer, String label, int sample, int classes) {
        super(message);
        this.layer = layer;
        this.label = label;
        this.sample = sample;
        this.classes = classes;
    }

    /** The layer that met the label. */
    public String layer() {
        return layer;
    }

    /** The label as text (an integer, or the float value when it is not one). */
    public String label() {
        return label;
    }

    /** The sample's index in the batch (outer position along the layer's axis). */
    public int sample() {
        return sample;
    }

    public int classes() {
        return classes;
    }
}
