package org.graft.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.graft.engine.Blob;
import org.graft.layers.ReluFusable;
import org.graft.ops.relu.ReLULayer;

/**
 * Which in-place ReLUs the layer before them computes, decided once when a {@link Net} is built: a ReLU
 * with negative_slope 0 whose bottom and top are the top of the layer right before it, a
 * {@link ReluFusable} (Convolution, InnerProduct), as in every CaffeNet-style net. That layer then applies
 * the ReLU in its output pass and its mask in backward; the ReLU layer stays in the net (export, weights,
 * the per-layer table) but does nothing. Results are the same to the bit. Only the producer reads the
 * pre-ReLU values (an implicit Split would stand between them otherwise), so nothing else can tell.
 *
 * <p>GRAFT_FUSE=off (or -Dgraft.fuse=off) turns it off, to compare; any value other than on/off is refused.
 */
final class ReluFusion {
    /** The producer's and the ReLU's entry indices. */
    record Pair(int producer, int relu) {
    }

    private final List<Net.Entry> entries;
    private final List<Pair> pairs;

    private ReluFusion(List<Net.Entry> entries, List<Pair> pairs) {
        this.entries = entries;
        this.pairs = List.copyOf(pairs);
    }

    /** Whether the environment asks for fusion: GRAFT_FUSE / graft.fuse unset or "on" (default), "off" not. */
    static boolean wanted() {
        String setting = System.getProperty("graft.fuse", System.getenv("GRAFT_FUSE"));
        if (setting == null) {
            return true;
        }
        String v = setting.trim().toLowerCase(Locale.ROOT);
        if (List.of("on", "1", "true", "yes").contains(v)) {
            return true;
        }
        if (List.of("off", "0", "false", "no").contains(v)) {
            return false;
        }
        throw new IllegalArgumentException("GRAFT_FUSE (or -Dgraft.fuse) is '" + setting + "'; use on or off");
    }

    /**
     * Finds the pairs in {@code entries} (after implicit splits) and, when {@code on}, fuses them.
     * {@code lossWeights}: per entry and top, the weights the net applies; a top with a loss weight is not fused.
     */
    static ReluFusion decide(List<Net.Entry> entries, List<List<Blob>> bottoms, List<List<Blob>> tops, List<float[]> lossWeights,
                             boolean on) {
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; on && i + 1 < entries.size(); i++) {
            if (fusable(entries, bottoms, tops, lossWeights, i)) {
                pairs.add(new Pair(i, i + 1));
            }
        }
        ReluFusion f = new ReluFusion(entries, pairs);
        f.apply(true);
        return f;
    }

    private static boolean fusable(List<Net.Entry> entries, List<List<Blob>> bottoms, List<List<Blob>> tops,
                                   List<float[]> lossWeights, int i) {
        Net.Entry producer = entries.get(i);
        Net.Entry next = entries.get(i + 1);
        if (!(producer.layer() instanceof ReluFusable) || !(next.layer() instanceof ReLULayer relu)
                || relu.settings().negativeSlope() != 0f || tops.get(i).size() != 1
                || bottoms.get(i + 1).size() != 1 || tops.get(i + 1).size() != 1) {
            return false;
        }
        Blob out = tops.get(i).get(0);
        boolean inPlaceOnIt = bottoms.get(i + 1).get(0) == out && tops.get(i + 1).get(0) == out;
        return inPlaceOnIt && noLoss(lossWeights.get(i)) && noLoss(lossWeights.get(i + 1));
    }

    private static boolean noLoss(float[] weights) {
        for (float w : weights) {
            if (w != 0f) {
                return false;
            }
        }
        return true;
    }

    /** Fuses every pair ({@code true}) or runs each layer on its own again ({@code false}). */
    void apply(boolean on) {
        for (Pair p : pairs) {
            ((ReluFusable) entries.get(p.producer()).layer()).fuseRelu(on);
            ((ReLULayer) entries.get(p.relu()).layer()).fusedInto(on ? entries.get(p.producer()).layer().name() : null);
        }
    }

    List<Pair> pairs() {
        return pairs;
    }
}
