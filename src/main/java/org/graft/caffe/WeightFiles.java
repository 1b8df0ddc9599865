package org.graft.caffe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.graft.caffe.CaffeWeights.LayerBlobs;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.caffe.proto.Caffe.NetParameter;
import org.graft.engine.Blob;
import org.graft.engine.NonFinite;
import org.graft.layers.Layer;
import org.graft.net.Net;
import org.graft.net.config.NetConfig;

/**
 * A caffemodel of any vintage made to fit a net: its layers matched to the net's by name, every blob's
 * shape checked ({@link WeightShapes}), legacy shapes reduced, and the result written as a current (V2)
 * caffemodel holding only the learned blobs of the net's layers, by name, with shape and data — the form
 * Caffe's snapshots and OpenCV's {@code readNetFromCaffe} read. Values are copied bit for bit.
 */
public final class WeightFiles {
    private WeightFiles() {
    }

    /** The fitted weights as a V2 net, what matched, and the warnings of reading (upgrade notes). */
    public record Fitted(NetParameter net, WeightShapes.Matched matched, List<String> warnings) {
        public long floats() {
            long n = 0;
            for (LayerBlobs l : matched.layers()) {
                for (WeightBlob b : l.blobs()) {
                    n += b.count();
                }
            }
            return n;
        }
    }

    public static Fitted fit(NetConfig cfg, Path weights) {
        List<String> warnings = new ArrayList<>();
        NetParameter raw = CaffeFiles.readNetRaw(weights);
        NetParameter v2 = NetUpgrader.upgrade(raw, weights.toString(), warnings::add);
        List<LayerBlobs> layers = CaffeWeights.layers(v2, weights.toString());
        WeightShapes.Matched m = WeightShapes.match(cfg, layers, weights.toString());
        return new Fitted(CaffeWeights.toNet(cfg.name(), m.layers()), m, List.copyOf(warnings));
    }

    /**
     * The weights for exporting {@code cfg}: like {@link #fit}, but every layer of the net with learned
     * blobs must be in the file, since a model without them could not be used.
     */
    public static Fitted forExport(NetConfig cfg, Path weights) {
        Fitted f = fit(cfg, weights);
        if (!f.matched().missing().isEmpty()) {
            throw new CaffeFormatException(weights + " has no weights for layer(s) " + String.join(", ", f.matched().missing())
                    + " of net '" + cfg.name() + "'; an exported model needs the blobs of every learned layer");
        }
        return f;
    }

    /**
     * Loads a caffemodel's learned blobs into a built net by layer name (Caffe's CopyTrainedLayersFrom).
     *
     * @param strict every layer of the net that has parameters must be found (resume); otherwise layers
     *               absent from the file keep their fillers (fine-tuning, transfer)
     * @return names of the layers that were copied
     */
    public static List<String> load(Net net, Path file, boolean strict) {
        return load(net, file, strict, true);
    }

    /**
     * As {@link #load(Net, Path, boolean)}; weights holding NaN or infinite values are named by layer and
     * blob, and refused unless {@code allowNonFinite} (then a warning on standard error).
     */
    public static List<String> load(Net net, Path file, boolean strict, boolean allowNonFinite) {
        NetParameter np = CaffeFiles.readNet(file);
        Map<String, List<WeightBlob>> byLayer = CaffeWeights.byLayer(np, file.toString());
        List<String> nonFinite = new ArrayList<>();
        for (Layer l : net.layers()) {
            List<WeightBlob> blobs = l.params().isEmpty() ? null : byLayer.get(l.name());
            for (int i = 0; blobs != null && i < blobs.size(); i++) {
                String bad = NonFinite.describe(blobs.get(i).data());
                if (bad != null) {
                    nonFinite.add("layer '" + l.name() + "' blob " + i + " (" + (i == 0 ? "weights" : "bias") + "): " + bad);
                }
            }
        }
        if (!nonFinite.isEmpty()) {
            String where = file + " holds non-finite weights: " + String.join("; ", nonFinite);
            if (!allowNonFinite) {
                throw new CaffeFormatException(where + " (a diverged run?); pass --allow-nonfinite to load them anyway");
            }
            System.err.println("warning: " + where);
        }
        List<String> copied = new ArrayList<>();
        for (Layer l : net.layers()) {
            if (l.params().isEmpty()) {
                continue;
            }
            List<WeightBlob> blobs = byLayer.get(l.name());
            if (blobs == null) {
                if (strict) {
                    throw new CaffeFormatException(file + ": has no weights for layer '" + l.name() + "'");
                }
                continue;
            }
            if (blobs.size() != l.params().size()) {
                throw new CaffeFormatException(file + ": layer '" + l.name() + "' has " + blobs.size()
                        + " blobs in the file but " + l.params().size() + " in the net (incompatible number of blobs)");
            }
            for (int i = 0; i < blobs.size(); i++) {
                Blob b = l.params().get(i).blob();
                WeightBlob w = CaffeWeights.conform(blobs.get(i), b.shape(), l.name(), i);
                b.upload(w.data());
            }
            copied.add(l.name());
        }
        return copied;
    }
}
