package org.graft.ops.dropout;

import java.nio.charset.StandardCharsets;

/**
 * Plain-Java dropout, the reference for {@code kernels/dropout.cl}; it reproduces the device masks
 * bit for bit. Maths (Caffe's dropout_layer.cpp): TRAIN y = x·m·scale, dx = dy·m·scale with
 * scale = 1/(1−p) (rounded to float) and m ∈ {0, 1}; TEST y = x, dx = dy.
 *
 * <p>Random bits: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11).
 * One round maps counter (c0, c1, c2, c3) and key (k0, k1) to
 * (hi(M1·c2) ⊕ c1 ⊕ k0, lo(M1·c2), hi(M0·c0) ⊕ c3 ⊕ k1, lo(M0·c0)) with M0 = 0xD2511F53,
 * M1 = 0xCD9E8D57; the key is bumped by (0x9E3779B9, 0xBB67AE85) between rounds; ten rounds.
 * Element i uses word (i mod 4) of the block at counter (i/4, lo32(iteration), hi32(iteration),
 * hi32(seed)) under key (lo32(seed), FNV-1a-32(UTF-8 layer name)); every input bit reaches the
 * generator, so distinct (seed, iteration, element) never share a block. It is kept iff the word,
 * unsigned, is ≥ floor(p·2^32).
 */
public final class DropoutReference {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;

    private DropoutReference() {
    }

    /** Philox4x32-10 of a 4-word counter under a 2-word key (words as unsigned 32-bit ints). */
    public static int[] philox4x32x10(int[] counter, int[] key) {
        int c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
        int k0 = key[0], k1 = key[1];
        for (int round = 0; round < 10; round++) {
            long p0 = (c0 & 0xFFFFFFFFL) * (M0 & 0xFFFFFFFFL); // the full 64-bit product's bits, mod 2^64
            long p1 = (c2 & 0xFFFFFFFFL) * (M1 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c0 = n0;
            c1 = (int) p1;
            c2 = n2;
            c3 = (int) p0;
            k0 += W0;
            k1 += W1;
        }
        return new int[] {c0, c1, c2, c3};
    }

    /** FNV-1a, 32-bit, over the UTF-8 bytes of the layer name. */
    public static int nameHash(String layerName) {
        int h = 0x811C9DC5;
        for (byte b : layerName.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        return h;
    }

    /** The keep mask (true = kept) of {@code n} elements. */
    public static boolean[] mask(int n, float p, long seed, long iteration, String layerName) {
        long threshold = (long) Math.floor(p * 4294967296.0);
        int[] key = {(int) seed, nameHash(layerName)};
        boolean[] keep = new boolean[n];
        for (int block = 0; block * 4 < n; block++) {
            int[] words = philox4x32x10(new int[] {block, (int) iteration, (int) (iteration >>> 32), (int) (seed >>> 32)}, key);
            for (int j = 0; j < 4 && block * 4 + j < n; j++) {
                keep[block * 4 + j] = (words[j] & 0xFFFFFFFFL) >= threshold;
            }
        }
        return keep;
    }

    /** TRAIN forward; backward is the same map applied to dy. */
    public static float[] train(float[] in, float p, long seed, long iteration, String layerName) {
        boolean[] keep = mask(in.length, p, seed, iteration, layerName);
        float scale = (float) (1.0 / (1.0 - p));
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] * (keep[i] ? scale : 0f);
        }
        return out;
    }
}
