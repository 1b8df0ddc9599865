package org.graft.data;

/**
 * A per-pixel mean (Caffe's mean_file contents) as C×H×W floats; it must have the shape of the
 * uncropped input, since it is subtracted at the crop offset.
 */
public record MeanImage(int channels, int height, int width, float[] data) {
    public MeanImage {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new DataException("mean image: shape must be positive, got " + channels + "×" + height + "×" + width);
        }
        if (data.length != channels * height * width) {
            throw new DataException("mean image: shape " + channels + "×" + height + "×" + width + " needs " + channels * height * width
                    + " values, got " + data.length);
        }
    }

    public String shapeText() {
        return channels + "×" + height + "×" + width;
    }
}
