package org.graft.net.config;

/**
 * Caffe's PoolingParameter with kernel/stride/pad resolved into height and width. With
 * {@code globalPooling} the kernel is the whole input: kernelH and kernelW are 0 here and the layer
 * takes them from its bottom. Defaults: pool MAX, stride 1, pad 0, round_mode CEIL.
 */
public record PoolingParam(Pool pool, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                           boolean globalPooling, RoundMode roundMode) {
    /** Caffe's PoolMethod without STOCHASTIC, which Graft does not implement. */
    public enum Pool implements JsonEnum {
        MAX, AVE;

        @Override
        public String jsonName() {
            return name();
        }
    }

    /** Caffe's round_mode for the pooled size; older Caffe always rounds up (CEIL). */
    public enum RoundMode implements JsonEnum {
        CEIL, FLOOR;

        @Override
        public String jsonName() {
            return name();
        }
    }

    public PoolingParam {
        pool = pool == null ? Pool.MAX : pool;
        roundMode = roundMode == null ? RoundMode.CEIL : roundMode;
    }

    public static PoolingParam max(int kernel, int stride) {
        return new PoolingParam(Pool.MAX, kernel, kernel, stride, stride, 0, 0, false, RoundMode.CEIL);
    }

    public static PoolingParam ave(int kernel, int stride) {
        return new PoolingParam(Pool.AVE, kernel, kernel, stride, stride, 0, 0, false, RoundMode.CEIL);
    }

    public static PoolingParam global(Pool pool) {
        return new PoolingParam(pool, 0, 0, 1, 1, 0, 0, true, RoundMode.CEIL);
    }
}
