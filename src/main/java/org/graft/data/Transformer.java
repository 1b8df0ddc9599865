package org.graft.data;

import java.util.Arrays;
import org.graft.layers.Phase;

/**
 * Caffe's TransformationParameter applied to one example: out = (in − mean) · scale, taken from a
 * crop_size×crop_size window (random offset at TRAIN, centred at TEST) and mirrored horizontally at
 * random at TRAIN when mirror is set. The mean is either mean_value (one value, or one per channel) or a
 * mean image of the uncropped input's shape, subtracted at the crop offset.
 *
 * <p>The random choices of an example are a {@link CounterHash} of (seed, epoch, position in the epoch),
 * not draws from a stateful generator, so any batch can be recomputed on its own. Unlike Caffe, which
 * also flips at TEST when mirror is set, mirroring is done at TRAIN only.
 */
public final class Transformer {
    private static final long STREAM_CROP_H = 1;
    private static final long STREAM_CROP_W = 2;
    private static final long STREAM_MIRROR = 3;

    /**
     * The TransformationParameter fields (Caffe's names; defaults scale 1, no mirror, no crop, no mean).
     * At most one of meanValues (empty = none) and meanImage (null = none) may be given.
     */
    public record Spec(float scale, boolean mirror, int cropSize, float[] meanValues, MeanImage meanImage) {
        public Spec {
            meanValues = meanValues == null ? new float[0] : meanValues.clone();
            if (cropSize < 0) {
                throw new DataException("transform_param: crop_size must be >= 0, got " + cropSize);
            }
            if (meanValues.length > 0 && meanImage != null) {
                throw new DataException("transform_param: specify either mean_file or mean_value, not both");
            }
        }

        public static Spec defaults() {
            return new Spec(1f, false, 0, null, null);
        }

        @Override
        public float[] meanValues() {
            return meanValues.clone();
        }

        @Override
        public String toString() {
            return "scale " + scale + ", mirror " + mirror + ", crop_size " + cropSize
                    + (meanValues.length > 0 ? ", mean_value " + Arrays.toString(meanValues) : "")
                    + (meanImage != null ? ", mean image " + meanImage.shapeText() : "");
        }
    }

    /** Where an example's window starts and whether it is flipped. */
    public record Placement(int hOffset, int wOffset, boolean mirror) {
    }

    private final Spec spec;
    private final int channels;
    private final int height;
    private final int width;
    private final int outHeight;
    private final int outWidth;
    private final float[] channelMeans;

    /** A transformer for inputs of shape channels×height×width; checks the spec against that shape. */
    public Transformer(Spec spec, int channels, int height, int width) {
        this.spec = spec;
        this.channels = channels;
        this.height = height;
        this.width = width;
        int crop = spec.cropSize();
        if (crop > height || crop > width) {
            throw new DataException("transform_param: crop_size " + crop + " is larger than the input " + height + "×" + width);
        }
        outHeight = crop > 0 ? crop : height;
        outWidth = crop > 0 ? crop : width;
        float[] mv = spec.meanValues();
        if (mv.length > 0 && mv.length != 1 && mv.length != channels) {
            throw new DataException("transform_param: mean_value needs 1 value or one per channel (" + channels + "), got " + mv.length);
        }
        channelMeans = new float[channels];
        if (mv.length > 0) {
            for (int c = 0; c < channels; c++) {
                channelMeans[c] = mv.length == 1 ? mv[0] : mv[c];
            }
        }
        MeanImage m = spec.meanImage();
        if (m != null && (m.channels() != channels || m.height() != height || m.width() != width)) {
            throw new DataException("transform_param: the mean image is " + m.shapeText() + " but the input is " + channels + "×" + height + "×"
                    + width + " (the mean must have the uncropped input's shape)");
        }
    }

    /** A transformer for a dataset's examples. */
    public static Transformer forDataset(Spec spec, Dataset data) {
        return new Transformer(spec, data.channels(), data.height(), data.width());
    }

    /** Copies the input unchanged: no mean, scale 1, no crop, no mirror. */
    public static Transformer identity(Dataset data) {
        return forDataset(Spec.defaults(), data);
    }

    public Spec spec() {
        return spec;
    }

    /** Input shape C, H, W. */
    public int[] inputShape() {
        return new int[] {channels, height, width};
    }

    public int inputSize() {
        return channels * height * width;
    }

    public int outputSize() {
        return channels * outHeight * outWidth;
    }

    /** Output shape C, H, W. */
    public int[] outputShape() {
        return new int[] {channels, outHeight, outWidth};
    }

    /** The window and flip of the example at {@code position} of {@code epoch}; TEST is centred and unflipped. */
    public Placement placement(Phase phase, long seed, long epoch, long position) {
        int crop = spec.cropSize();
        if (phase == Phase.TEST) {
            return crop > 0 ? new Placement((height - crop) / 2, (width - crop) / 2, false) : new Placement(0, 0, false);
        }
        int h = 0;
        int w = 0;
        if (crop > 0) {
            h = CounterHash.below(CounterHash.hash(seed, epoch, position, STREAM_CROP_H), height - crop + 1);
            w = CounterHash.below(CounterHash.hash(seed, epoch, position, STREAM_CROP_W), width - crop + 1);
        }
        boolean flip = spec.mirror() && (CounterHash.hash(seed, epoch, position, STREAM_MIRROR) & 1) == 1;
        return new Placement(h, w, flip);
    }

    /** Transforms the example at {@code position} of {@code epoch}: placement, then {@link #apply}. */
    public void transform(float[] src, int srcOffset, float[] dst, int dstOffset, Phase phase, long seed, long epoch, long position) {
        apply(src, srcOffset, dst, dstOffset, placement(phase, seed, epoch, position));
    }

    /** Writes C×outH×outW values: dst[c][y][x'] = (src[c][y+h][x+w] − mean[c][y+h][x+w]) · scale, x' = x or mirrored. */
    public void apply(float[] src, int srcOffset, float[] dst, int dstOffset, Placement p) {
        float scale = spec.scale();
        float[] meanImage = spec.meanImage() == null ? null : spec.meanImage().data();
        for (int c = 0; c < channels; c++) {
            float channelMean = channelMeans[c];
            for (int y = 0; y < outHeight; y++) {
                int in = (c * height + y + p.hOffset()) * width + p.wOffset();
                int out = dstOffset + (c * outHeight + y) * outWidth;
                for (int x = 0; x < outWidth; x++) {
                    float mean = meanImage != null ? meanImage[in + x] : channelMean;
                    float v = (src[srcOffset + in + x] - mean) * scale;
                    dst[out + (p.mirror() ? outWidth - 1 - x : x)] = v;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "transform " + channels + "×" + height + "×" + width + " → " + channels + "×" + outHeight + "×" + outWidth + " (" + spec + ")";
    }
}
