package org.graft.net;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.graft.caffe.proto.Caffe.LRNParameter.NormRegion;
import org.graft.caffe.proto.Caffe.PoolingParameter.PoolMethod;
import org.graft.engine.Blob;
import org.graft.layers.ReluFusable;
import org.graft.ops.lrn.LRNLayer;
import org.graft.ops.pooling.PoolingLayer;
import org.graft.ops.relu.ReLULayer;

/**
 * Which layers the layer before them computes, decided once when a {@link Net} is built. Two pairs, both
 * in every CaffeNet-style net:
 * <ul>
 * <li>{@link Kind#RELU}: a ReLU with negative_slope 0 whose bottom and top are the top of the layer right
 * before it, a {@link ReluFusable} (Convolution, InnerProduct). That layer applies the ReLU in its output
 * pass and its mask in backward. Only the producer reads the pre-ReLU values (an implicit Split would stand
 * between them otherwise), so nothing else can tell.</li>
 * <li>{@link Kind#POOL_LRN}: MAX pooling with one top, read only by the next layer, an ACROSS_CHANNELS LRN
 * (not in place) whose only bottom it is. The pooling layer writes both layers' tops (and the LRN's scale)
 * in one kernel; backward stays two kernels, and both blobs hold the same values as unfused. Only with
 * GRAFT_FUSE=all (slower on PoCL, untimed on GPUs: see {@link Mode#ON}).</li>
 * </ul>
 * The second layer stays in the net (export, weights, the per-layer table: "fused into ...") but its
 * forward does nothing (and a fused ReLU's backward too). Results are the same to the bit. No top of
 * either layer may carry a loss weight.
 *
 * <p>GRAFT_FUSE (or -Dgraft.fuse) says which pairs ({@link Mode}): on (default), all, or off to compare; any other
 * value is refused.
 */
final class LayerFusion {
    enum Kind { RELU, POOL_LRN }

    /** Which pairs are fused. */
    enum Mode {
        /** None (GRAFT_FUSE=off). */
        OFF,
        /**
         * The default (GRAFT_FUSE=on): ReLUs only. On PoCL the fused pool+LRN kernel took longer than the two
         * apart (the Fashion example's pool1+norm1 forward 5.7-6.5 ms against 4.5-5.1 ms, idle machine): its
         * channel blocks pool the 2·REACH neighbours of each block again, and what fusing saves is one pass over
         * a small blob. On GPUs it has not been timed, so it is not the default there either.
         */
        ON,
        /** Every pair on every device (GRAFT_FUSE=all), e.g. to compare on a CPU. */
        ALL;

        Set<Kind> kinds() {
            return switch (this) {
                case OFF -> EnumSet.noneOf(Kind.class);
                case ON -> EnumSet.of(Kind.RELU);
                case ALL -> EnumSet.allOf(Kind.class);
            };
        }
    }

    /** The producer's entry index; the fused layer is the entry right after it. */
    record Pair(int producer, Kind kind) {
        int fused() {
            return producer + 1;
        }
    }

    private final List<Net.Entry> entries;
    private final List<List<Blob>> tops;
    private final List<Pair> pairs;

    private LayerFusion(List<Net.Entry> entries, List<List<Blob>> tops, List<Pair> pairs) {
        this.entries = entries;
        this.tops = tops;
        this.pairs = List.copyOf(pairs);
    }

    /** What the environment asks for: GRAFT_FUSE / graft.fuse unset or "on" (default), "all", or "off". */
    static Mode wanted() {
        String setting = System.getProperty("graft.fuse", System.getenv("GRAFT_FUSE"));
        if (setting == null) {
            return Mode.ON;
        }
        String v = setting.trim().toLowerCase(Locale.ROOT);
        if (List.of("on", "1", "true", "yes").contains(v)) {
            return Mode.ON;
        }
        if (v.equals("all")) {
            return Mode.ALL;
        }
        if (List.of("off", "0", "false", "no").contains(v)) {
            return Mode.OFF;
        }
        throw new IllegalArgumentException("GRAFT_FUSE (or -Dgraft.fuse) is '" + setting + "'; use on, all or off");
    }

    /**
     * Finds the pairs of the given kinds in {@code entries} (after implicit splits) and fuses them.
     * {@code lossWeights}: per entry and top, the weights the net applies; a top with a loss weight is not fused.
     */
    static LayerFusion decide(List<Net.Entry> entries, List<List<Blob>> bottoms, List<List<Blob>> tops, List<float[]> lossWeights,
                              Set<Kind> kinds) {
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < entries.size(); i++) {
            if (!noLoss(lossWeights.get(i)) || !noLoss(lossWeights.get(i + 1))) {
                continue;
            }
            if (kinds.contains(Kind.RELU) && reluFusable(entries, bottoms, tops, i)) {
                pairs.add(new Pair(i, Kind.RELU));
            } else if (kinds.contains(Kind.POOL_LRN) && poolLrnFusable(entries, bottoms, tops, i)) {
                pairs.add(new Pair(i, Kind.POOL_LRN));
            }
        }
        LayerFusion f = new LayerFusion(entries, tops, pairs);
        f.apply(true);
        return f;
    }

    /** Entry i has one top, and the entry after it one bottom, that top, and one top of its own. */
    private static boolean chained(List<List<Blob>> bottoms, List<List<Blob>> tops, int i) {
        return tops.get(i).size() == 1 && bottoms.get(i + 1).size() == 1 && tops.get(i + 1).size() == 1
                && bottoms.get(i + 1).get(0) == tops.get(i).get(0);
    }

    /** The ReLU works in place on the producer's top. */
    private static boolean reluFusable(List<Net.Entry> entries, List<List<Blob>> bottoms, List<List<Blob>> tops, int i) {
        return entries.get(i).layer() instanceof ReluFusable && entries.get(i + 1).layer() instanceof ReLULayer relu
                && relu.settings().negativeSlope() == 0f && chained(bottoms, tops, i) && tops.get(i + 1).get(0) == tops.get(i).get(0);
    }

    /**
     * A reader of the pooled blob other than the LRN would get an implicit Split between them, so "the next
     * layer reads it" means "only the LRN reads it".
     */
    private static boolean poolLrnFusable(List<Net.Entry> entries, List<List<Blob>> bottoms, List<List<Blob>> tops, int i) {
        return entries.get(i).layer() instanceof PoolingLayer pool && entries.get(i + 1).layer() instanceof LRNLayer lrn
                && pool.settings().method() == PoolMethod.MAX && lrn.settings().region() == NormRegion.ACROSS_CHANNELS
                && chained(bottoms, tops, i) && tops.get(i + 1).get(0) != tops.get(i).get(0);
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
            String producer = on ? entries.get(p.producer()).layer().name() : null;
            switch (p.kind()) {
                case RELU -> {
                    ((ReluFusable) entries.get(p.producer()).layer()).fuseRelu(on);
                    ((ReLULayer) entries.get(p.fused()).layer()).fusedInto(producer);
                }
                case POOL_LRN -> {
                    LRNLayer lrn = (LRNLayer) entries.get(p.fused()).layer();
                    ((PoolingLayer) entries.get(p.producer()).layer()).fuseLrn(on ? lrn : null, on ? tops.get(p.fused()).get(0) : null);
                    lrn.fusedInto(producer);
                }
            }
        }
    }

    /** The pairs of one kind. */
    List<Pair> pairs(Kind kind) {
        return pairs.stream().filter(p -> p.kind() == kind).toList();
    }
}
