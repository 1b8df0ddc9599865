package org.graft.net.config;

import org.graft.caffe.proto.Caffe.LossParameter.NormalizationMode;

/**
 * Caffe's LossParameter: a label to ignore (null when none) and how the summed loss is normalised
 * (default VALID: by the number of positions whose label is not ignored).
 */
public record LossParam(Integer ignoreLabel, NormalizationMode normalization) {
    public static final LossParam DEFAULT = new LossParam(null, NormalizationMode.VALID);

    public LossParam {
        normalization = normalization == null ? NormalizationMode.VALID : normalization;
    }
}
