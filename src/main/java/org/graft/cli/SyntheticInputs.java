package org.graft.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.graft.net.config.BlobShape;
import org.graft.net.config.InputParam;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;

/**
 * Lets {@code time} run a net whose data files are absent (e.g. the paper's CaffeNet, whose ImageNet
 * databases are not in the repository): every Data/ImageData layer becomes an Input layer with the
 * same tops, image shape C×H×W and the layer's own batch size, so only random inputs are needed.
 */
final class SyntheticInputs {
    private SyntheticInputs() {
    }

    /** Parses "3,227,227" or "3x227x227" into {C, H, W}, each >= 1. */
    static int[] parseImageShape(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("[,x]");
        if (parts.length != 3) {
            throw new IllegalArgumentException("--input-shape must be C,H,W (e.g. 3,227,227), got '" + text + "'");
        }
        int[] chw = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                chw[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--input-shape must be C,H,W (e.g. 3,227,227), got '" + text + "'");
            }
            if (chw[i] < 1) {
                throw new IllegalArgumentException("--input-shape dimensions must be >= 1, got '" + text + "'");
            }
        }
        return chw;
    }

    /** The net with its data layers replaced by Input layers of shape [batch, C, H, W] (and [batch] for labels). */
    static NetConfig replaceDataLayers(NetConfig cfg, int[] chw) {
        List<LayerConfig> out = new ArrayList<>();
        for (LayerConfig lc : cfg.layers()) {
            if (lc.type() != LayerType.DATA && lc.type() != LayerType.IMAGE_DATA) {
                out.add(lc);
                continue;
            }
            int batch = lc.type() == LayerType.DATA ? lc.dataParam().batchSize() : lc.imageDataParam().batchSize();
            List<BlobShape> shapes = new ArrayList<>();
            shapes.add(BlobShape.of(batch, chw[0], chw[1], chw[2]));
            if (lc.top().size() > 1) {
                shapes.add(BlobShape.of(batch));
            }
            out.add(lc.asInput(new InputParam(shapes)));
        }
        return cfg.withLayers(out);
    }
}
