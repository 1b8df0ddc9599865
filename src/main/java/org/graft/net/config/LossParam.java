package org.graft.net.config;

/**
 * Caffe's LossParameter: a label to ignore (null when none) and how the summed loss is normalised
 * (default VALID: by the number of positions whose label is not ignored).
 */
public record LossParam(Integer ignoreLabel, Normalization normalization) {
    public enum Normalization implements JsonEnum {
        /** All positions, ignored ones included. */
        FULL,
        /** Positions whose label is not ignored (Caffe's default). */
        VALID,
        /** The batch size. */
        BATCH_SIZE,
        /** No normalisation: the plain sum. */
        NONE;

        @Override
        public String jsonName() {
            return name();
        }
    }

    public static final LossParam DEFAULT = new LossParam(null, Normalization.VALID);

    public LossParam {
        normalization = normalization == null ? Normalization.VALID : normalization;
    }
}
