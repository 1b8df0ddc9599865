package org.graft.caffe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.graft.caffe.CaffeWeights.LayerBlobs;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.layers.Layer;
import org.graft.layers.LayerShapes;
import org.graft.layers.Phase;
import org.graft.net.config.DataParam;
import org.graft.net.config.ImageDataParam;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.NetConfig;

/**
 * The shapes of the learnable blobs a net's layers expect, worked out from the config alone (no device,
 * no data), and the check of a weights file against them. Shapes flow from Input layers (and from what a
 * Data layer's settings reveal) through every layer with Caffe's formulas; a dimension that depends on
 * data not known here (a Data layer's channels) is -1 and matches anything, so the check is exact for
 * deploy nets and as tight as possible for training nets. The device-side load re-checks every shape.
 */
public final class WeightShapes {
    private WeightShapes() {
    }

    /** A weights file checked against a net: its blobs in the current (V2) shapes, by net layer. */
    public record Matched(List<LayerBlobs> layers, List<String> missing, List<String> unused) {
    }

    /** Expected learnable blob shapes per layer name (weights, then bias), -1 for dimensions not known. */
    public static Map<String, List<int[]>> expected(NetConfig cfg) {
        Map<String, List<int[]>> out = new LinkedHashMap<>();
        for (Phase phase : Phase.values()) {
            for (Map.Entry<String, List<int[]>> e : expected(cfg, phase).entrySet()) {
                List<int[]> prev = out.get(e.getKey());
                if (prev == null || known(e.getValue()) > known(prev)) {
                    out.put(e.getKey(), e.getValue());
                }
            }
        }
        return out;
    }

    private static int known(List<int[]> shapes) {
        int n = 0;
        for (int[] s : shapes) {
            for (int d : s) {
                n += d >= 0 ? 1 : 0;
            }
        }
        return n;
    }

    static Map<String, List<int[]>> expected(NetConfig cfg, Phase phase) {
        Map<String, List<int[]>> out = new LinkedHashMap<>();
        infer(cfg, phase, new HashMap<>(), out);
        return out;
    }

    /**
     * The shape of every blob of {@code phase} as far as the config tells (-1 = not known without the data;
     * null for a blob whose rank is not known either). Blobs rewritten in place keep their shape.
     */
    public static Map<String, int[]> blobShapes(NetConfig cfg, Phase phase) {
        Map<String, int[]> blobs = new LinkedHashMap<>();
        infer(cfg, phase, blobs, new LinkedHashMap<>());
        return blobs;
    }

    private static void infer(NetConfig cfg, Phase phase, Map<String, int[]> blobs, Map<String, List<int[]>> out) {
        for (LayerConfig l : cfg.layersFor(phase)) {
            List<int[]> tops = new ArrayList<>();
            switch (l.type()) {
                case INPUT -> {
                    for (int t = 0; t < l.top().size(); t++) {
                        tops.add(l.inputParam().shapeOf(t));
                    }
                }
                case DATA -> {
                    DataParam p = l.dataParam();
                    int crop = l.transformParam().cropSize();
                    tops.add(new int[] {p.batchSize(), -1, crop > 0 ? crop : -1, crop > 0 ? crop : -1});
                    tops.add(new int[] {p.batchSize()});
                }
                case IMAGE_DATA -> {
                    ImageDataParam p = l.imageDataParam();
                    int crop = l.transformParam().cropSize();
                    int h = crop > 0 ? crop : p.newHeight() > 0 ? p.newHeight() : -1;
                    int w = crop > 0 ? crop : p.newWidth() > 0 ? p.newWidth() : -1;
                    tops.add(new int[] {p.batchSize(), p.isColor() ? 3 : 1, h, w});
                    tops.add(new int[] {p.batchSize()});
                }
                default -> inferred(l, blobs, tops, out);
            }
            for (int t = 0; t < l.top().size() && t < tops.size(); t++) {
                blobs.put(l.top().get(t), tops.get(t));
            }
        }
    }

    /** Every compute layer works out its own shapes (Layer.shapes); unknown when a bottom's rank is. */
    private static void inferred(LayerConfig l, Map<String, int[]> blobs, List<int[]> tops, Map<String, List<int[]>> out) {
        List<int[]> bottoms = new ArrayList<>();
        for (String b : l.bottom()) {
            int[] shape = blobs.get(b);
            if (shape == null) {
                return;
            }
            bottoms.add(shape);
        }
        try (Layer layer = l.type().create(l)) {
            LayerShapes shapes = layer.shapes(bottoms);
            tops.addAll(shapes.tops());
            if (!shapes.params().isEmpty()) {
                out.put(l.name(), shapes.params());
            }
        }
    }

    // ------------------------------------------------------------------------------------ checking

    /**
     * Matches a weights file's layers to the net by name (as Caffe's CopyTrainedLayersFrom), checks blob
     * counts and shapes, and returns the blobs in the shapes the net uses (legacy 4-D shapes reduced),
     * in the net's layer order. A mismatch is a {@link CaffeFormatException} naming the layer, the blob,
     * the expected and the found shape.
     */
    public static Matched match(NetConfig cfg, List<LayerBlobs> file, String source) {
        Map<String, List<int[]>> expected = expected(cfg);
        Map<String, LayerBlobs> byName = new LinkedHashMap<>();
        for (LayerBlobs l : file) {
            byName.put(l.layerName(), l);  // a name given twice: the later wins, as in Caffe
        }
        Map<String, String> types = new HashMap<>();
        for (LayerConfig l : cfg.layers()) {
            types.putIfAbsent(l.name(), l.type().jsonName());
        }
        List<LayerBlobs> matched = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, List<int[]>> e : expected.entrySet()) {
            String name = e.getKey();
            LayerBlobs l = byName.get(name);
            if (l == null) {
                missing.add(name);
                continue;
            }
            List<int[]> want = e.getValue();
            if (l.blobs().size() != want.size()) {
                throw new CaffeFormatException(source + ": layer '" + name + "' has " + l.blobs().size() + " blob(s) in the"
                        + " weights file, but the net's " + types.get(name) + " layer has " + want.size()
                        + (want.size() == 2 ? " (weights and bias)" : " (weights; bias_term is false)")
                        + ". To learn this layer from scratch instead, rename it.");
            }
            List<WeightBlob> blobs = new ArrayList<>();
            for (int i = 0; i < want.size(); i++) {
                blobs.add(conform(l.blobs().get(i), want.get(i), name, i, types.get(name), source));
            }
            matched.add(new LayerBlobs(name, types.get(name), List.copyOf(blobs)));
        }
        Set<String> unused = new LinkedHashSet<>(byName.keySet());
        unused.removeAll(expected.keySet());
        return new Matched(List.copyOf(matched), List.copyOf(missing), List.copyOf(unused));
    }

    /** The blob in its current shape, if it fits {@code expected} (-1 = any); otherwise a precise error. */
    static WeightBlob conform(WeightBlob blob, int[] expected, String layer, int index, String type, String source) {
        int[] shape = fit(blob, expected);
        if (shape == null) {
            throw new CaffeFormatException(source + ": layer '" + layer + "' blob " + index + " (" + (index == 0 ? "weights" : "bias")
                    + "): the net's " + type + " layer expects shape " + describe(expected) + meaning(type, index)
                    + ", the weights file has " + blob + ". To learn this layer from scratch instead, rename it.");
        }
        return new WeightBlob(shape, blob.data(), false);
    }

    private static String meaning(String type, int index) {
        if (index == 1) {
            return " (num_output)";
        }
        return "Convolution".equals(type) ? " (num_output, input channels / group, kernel_h, kernel_w)"
                : "InnerProduct".equals(type) ? " (num_output, inputs), or (inputs, num_output) when transposed" : "";
    }

    /** Caffe's ShapeEquals with wildcards: the shape the blob has in the net, or null if it does not fit. */
    static int[] fit(WeightBlob blob, int[] expected) {
        int[] s = blob.shape();
        if (!blob.legacyShape()) {
            if (s.length != expected.length) {
                return null;
            }
            for (int i = 0; i < s.length; i++) {
                if (expected[i] >= 0 && s[i] != expected[i]) {
                    return null;
                }
            }
            return s.clone();
        }
        if (expected.length > 4) {
            return null;
        }
        // Legacy num/channels/height/width: aligned from the end, missing leading axes are 1.
        for (int k = 1; k <= 4; k++) {
            int want = expected.length - k >= 0 ? expected[expected.length - k] : 1;
            if (want >= 0 && s[4 - k] != want) {
                return null;
            }
        }
        return Arrays.copyOfRange(s, 4 - expected.length, 4);
    }

    static String describe(int[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ",").append(shape[i] < 0 ? "?" : String.valueOf(shape[i]));
        }
        return sb.append(']').toString();
    }
}
