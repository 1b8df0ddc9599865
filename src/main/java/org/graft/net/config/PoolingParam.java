package org.graft.net.config;

import org.graft.caffe.proto.Caffe.PoolingParameter.PoolMethod;
import org.graft.caffe.proto.Caffe.PoolingParameter.RoundMode;

/**
 * Caffe's PoolingParameter with kernel/stride/pad resolved into height and width. With
 * {@code globalPooling} the kernel is the whole input: kernelH and kernelW are 0 here and the layer
 * takes them from its bottom. Defaults: pool MAX, stride 1, pad 0, round_mode CEIL.
 */
public record PoolingParam(PoolMethod pool, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                           boolean globalPooling, RoundMode roundMode) {
    public PoolingParam {
        pool = pool == null ? PoolMethod.MAX : pool;
        roundMode = roundMode == null ? RoundMode.CEIL : roundMode;
    }

    public static PoolingParam max(int kernel, int stride) {
        return new PoolingParam(PoolMethod.MAX, kernel, kernel, stride, stride, 0, 0, false, RoundMode.CEIL);
    }

    public static PoolingParam ave(int kernel, int stride) {
        return new PoolingParam(PoolMethod.AVE, kernel, kernel, stride, stride, 0, 0, false, RoundMode.CEIL);
    }

    public static PoolingParam global(PoolMethod pool) {
        return new PoolingParam(pool, 0, 0, 1, 1, 0, 0, true, RoundMode.CEIL);
    }
}
