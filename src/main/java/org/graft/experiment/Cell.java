package org.graft.experiment;

import java.util.List;

/**
 * One network of the grid: its treatment on a split (or "all" for the networks on every class), the layer
 * count n (0 for base networks), the half it copies from and the half it trains on with that half's classes
 * in label order, its seed, and the cells it needs first (the base network it copies from). {@code stage}
 * is the dependency depth: 0 for cells that need nothing.
 */
public record Cell(String id, String split, Treatment treatment, int n, Half source, Half target, List<Integer> classes,
                   long seed, List<String> depends, int stage) {
    public Cell {
        classes = List.copyOf(classes);
        depends = List.copyOf(depends);
    }

    /** The cell id of a treatment on a split: "r0-baseA", "r0-A3B+", "all-baseAll", "r0-random3B". */
    public static String id(String split, Treatment t, int n, Half randomTarget) {
        return split + "-" + t.label(n, randomTarget);
    }

    /**
     * The seed of a cell: SplitMix64's finaliser over the experiment seed XOR the 64-bit FNV-1a hash of the cell
     * id, kept to 31 bits. Every cell gets its own draw of initial weights (as the paper's networks did), and
     * the same experiment seed always gives the same seeds.
     */
    public static long seed(long experimentSeed, String id) {
        long z = experimentSeed ^ fnv1a(id);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z = z ^ (z >>> 31);
        return z & 0x7fffffffL;
    }

    /** The 64-bit FNV-1a hash of the text's UTF-8 bytes. */
    static long fnv1a(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
