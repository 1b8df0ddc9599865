package org.graft.onnx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.TransformParam;

/**
 * A data layer's TEST-phase transform_param, written into the model's metadata_props and doc string as the
 * preprocessing a caller applies before feeding the input; it is not emitted as nodes. Why: the graph input
 * is then the data blob exactly as the net sees it, which is what Graft's {@code forward}, OpenCV's and
 * Caffe's deploy nets take, so one tensor checks all of them; a mean file is an image of the training set's
 * size (256×256 for the paper's nets) that would otherwise be baked into the model at one input size, and
 * the crop (centre in TEST, random in TRAIN) is a property of how images are loaded rather than of the net.
 * Caffe's order: crop, subtract the mean (the mean image cropped the same way), multiply by scale.
 */
record Preprocessing(TransformParam transform) {
    static final String KEY = "graft.preprocessing";

    static Preprocessing of(LayerConfig data) {
        return new Preprocessing(data.transformParam());
    }

    boolean isIdentity() {
        TransformParam t = transform;
        return t.scale() == 1f && t.cropSize() == 0 && t.meanFile() == null && t.meanValue().isEmpty() && !t.mirror();
    }

    /** The steps in words, e.g. "crop the centre 227x227, subtract the mean image imagenet_mean.binaryproto, multiply by 1". */
    String steps() {
        if (isIdentity()) {
            return "none (the data layer feeds the stored values unchanged)";
        }
        TransformParam t = transform;
        StringBuilder sb = new StringBuilder();
        if (t.cropSize() > 0) {
            sb.append("crop the centre ").append(t.cropSize()).append('x').append(t.cropSize()).append(" of each image; ");
        }
        if (t.meanFile() != null) {
            sb.append("subtract the mean image ").append(t.meanFile().getFileName())
                    .append(t.cropSize() > 0 ? " (its centre crop)" : "").append("; ");
        } else if (!t.meanValue().isEmpty()) {
            sb.append("subtract ").append(t.meanValue().size() == 1 ? "the mean value " : "the per-channel mean values ")
                    .append(floats(t.meanValue())).append("; ");
        }
        if (t.scale() != 1f) {
            sb.append("multiply by ").append(number(t.scale())).append("; ");
        }
        if (t.mirror()) {
            sb.append("(mirror: true asks for random horizontal flips, an augmentation; a deterministic model has none); ");
        }
        return sb.substring(0, sb.length() - 2);
    }

    /** metadata_props: the sentence under {@link #KEY} and each Caffe setting under its own key. */
    Map<String, String> metadata() {
        TransformParam t = transform;
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY, "Preprocessing of the input (Caffe's TEST-phase transform_param, not part of the graph): " + steps() + ".");
        m.put("caffe.transform_param.scale", number(t.scale()));
        if (t.cropSize() > 0) {
            m.put("caffe.transform_param.crop_size", Integer.toString(t.cropSize()));
        }
        if (t.meanFile() != null) {
            m.put("caffe.transform_param.mean_file", t.meanFile().getFileName().toString());
        }
        if (!t.meanValue().isEmpty()) {
            m.put("caffe.transform_param.mean_value", floats(t.meanValue()));
        }
        if (t.mirror()) {
            m.put("caffe.transform_param.mirror", "true");
        }
        return m;
    }

    List<String> notes(LayerConfig data) {
        return List.of("Data layer '" + data.name() + "' becomes the input '" + data.top().get(0) + "' of transformed images;"
                + " preprocessing (in the model's metadata_props, " + KEY + "): " + steps());
    }

    private static String floats(List<Float> values) {
        return values.stream().map(Preprocessing::number).collect(Collectors.joining(","));
    }

    private static String number(float v) {
        return v == Math.rint(v) && Math.abs(v) < 1e7 ? Integer.toString((int) v) : String.format(Locale.ROOT, "%s", v);
    }
}
