package org.graft.net.config;

import org.graft.caffe.proto.Caffe.LRNParameter.NormRegion;

/**
 * Caffe's LRNParameter. Defaults: local_size 5, alpha 1, beta 0.75, norm_region ACROSS_CHANNELS, k 1
 * (k is not used WITHIN_CHANNEL, as in Caffe).
 */
public record LrnParam(int localSize, float alpha, float beta, NormRegion normRegion, float k) {
    public static final LrnParam DEFAULT = new LrnParam(5, 1f, 0.75f, NormRegion.ACROSS_CHANNELS, 1f);

    public LrnParam {
        normRegion = normRegion == null ? NormRegion.ACROSS_CHANNELS : normRegion;
    }
}
