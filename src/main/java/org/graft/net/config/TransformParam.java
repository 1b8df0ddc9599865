package org.graft.net.config;

import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.proto.Caffe;

/**
 * Caffe's TransformationParameter, applied by the data layers to each image: subtract the mean (a
 * mean file, or one value or one per channel), then multiply by scale; crop and mirror at random in
 * TRAIN and crop the centre in TEST. Defaults: scale 1, mirror false, crop_size 0 (no crop), no mean.
 * meanFile is null when absent and absolute after loading.
 */
public record TransformParam(float scale, boolean mirror, int cropSize, Path meanFile, List<Float> meanValue) {
    public static final TransformParam DEFAULT = new TransformParam(1f, false, 0, null, List.of());

    public TransformParam {
        meanValue = meanValue == null ? List.of() : List.copyOf(meanValue);
    }

    /** Sets transform_param on {@code layer}, with what differs from the defaults. */
    public void writeTo(Caffe.LayerParameter.Builder layer) {
        Caffe.TransformationParameter.Builder p = layer.getTransformParamBuilder().addAllMeanValue(meanValue);
        if (scale != 1f) {
            p.setScale(scale);
        }
        if (mirror) {
            p.setMirror(true);
        }
        if (cropSize != 0) {
            p.setCropSize(cropSize);
        }
        if (meanFile != null) {
            p.setMeanFile(meanFile.toString());
        }
    }

    public static TransformParam scale(float scale) {
        return new TransformParam(scale, false, 0, null, List.of());
    }
}
