package org.graft.kernels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.graft.opencl.DeviceFacts;
import org.graft.opencl.DeviceInfo;

/**
 * The CPU micro-kernel's tuning space, generated from the device's facts instead of a list tuned on one
 * CPU: register blocks that fit the vector register file, a k-block length and band height derived from
 * the cache sizes, and a neighbourhood of the cost model's choice (k-block and band ×½ and ×2, unrolled
 * k loops, always-pack) for the tuner to search, plus every block with one long k-block (the fixed list's
 * shape, which the cache-derived blocks do not replace everywhere). Every configuration has an id that encodes it
 * ({@link #id}, {@link #parse}), so a tuning cache written on one machine names kernels any machine can build.
 */
final class GemmSpace {
    /** Register blocks shorter than this waste the broadcasts of A; taller ones than MAX_MR bloat the A panels. */
    static final int MIN_MR = 4;
    static final int MAX_MR = 16;
    /** Accumulator vectors per row. */
    static final int MAX_NV = 4;
    /** Register blocks per vector count: the tallest that fits and the next shorter ones of {@link #SHORTER}. */
    static final int BLOCKS_PER_NV = 3;
    private static final int[] SHORTER = {12, 8, 6, 4};
    /** k-blocks are multiples of this (whole cache lines of a 16-float panel row) and at least KC_MIN long. */
    static final int KC_STEP = 8;
    static final int KC_MIN = 16;
    /** The unblocked k-length of the configuration measured best on Zen 5 before the space was generated. */
    static final int KC_LONG = 2048;
    static final int RB_MAX = 128;
    /** Band height of the long-k-block variants (the fixed list's, measured on Zen 5). */
    static final int CLASSIC_RB = 16;
    /** The reference product the device default is chosen for (square, as GEMM benchmarks run). */
    static final int REFERENCE_SIZE = 1024;

    private static final Pattern ID = Pattern.compile("micro-(\\d+)x(\\d+)-w(\\d+)-k(\\d+)-r(\\d+)-u(\\d+)(-packed)?");
    private static final Map<String, GemmMicro.Config> DEFAULTS = new ConcurrentHashMap<>();

    private GemmSpace() {
    }

    /** True if an mr×nv block of accumulators, nv vectors of B and one broadcast of A fit the register file. */
    static boolean fits(int mr, int nv, DeviceFacts f) {
        return mr * nv + nv + 1 <= f.vectorRegisters();
    }

    /** {mr, nv} pairs: for each vector count, the tallest block that fits (up to MAX_MR) and up to two shorter ones (three for one vector). */
    static List<int[]> blocks(DeviceFacts f) {
        List<int[]> out = new ArrayList<>();
        for (int nv = 1; nv <= MAX_NV; nv++) {
            int tallest = Math.min(MAX_MR, (f.vectorRegisters() - nv - 1) / nv);
            if (tallest < MIN_MR) {
                continue;
            }
            Set<Integer> rows = new LinkedHashSet<>();
            rows.add(tallest);
            for (int mr : SHORTER) {
                // One more single-vector block: they compile cheapest, and 6×16 won small-M products on Zen 5.
                if (mr < tallest && mr >= MIN_MR && rows.size() < BLOCKS_PER_NV + (nv == 1 ? 1 : 0)) {
                    rows.add(mr);
                }
            }
            for (int mr : rows) {
                out.add(new int[] {mr, nv});
            }
        }
        return out;
    }

    /** k-block length: the B micro-panel (kc·NR floats) and the A micro-panel (kc·MR) fill about half of L1d. */
    static int kcFor(int mr, int nr, DeviceFacts f) {
        long kc = f.l1dBytes() / 2 / (4L * (mr + nr));
        return (int) Math.max(KC_MIN, kc / KC_STEP * KC_STEP);
    }

    /** Row panels per band: the band's A panels (rb·MR·kc floats) fill about half of L2. */
    static int rbFor(int mr, int kc, DeviceFacts f) {
        long rb = f.l2Bytes() / 2 / (4L * mr * kc);
        return (int) Math.max(1, Math.min(RB_MAX, rb));
    }

    /** The configuration of one block with its derived kc and band. */
    static GemmMicro.Config derived(int mr, int vw, int nv, DeviceFacts f) {
        int kc = kcFor(mr, vw * nv, f);
        return GemmMicro.Config.of(mr, vw, nv, 1, kc, rbFor(mr, kc, f), false);
    }

    /**
     * Every generated configuration for a device with these facts: one per register block (derived kc and
     * band), then around the block the cost model prefers for the reference product: kc ×½, ×2 and
     * unblocked ({@link #KC_LONG}), band ×½ and ×2, k loop unrolled 2 and 4 deep, always-pack.
     */
    static List<GemmMicro.Config> configs(DeviceFacts f) {
        int vw = f.vectorFloats();
        List<GemmMicro.Config> base = new ArrayList<>();
        for (int[] b : blocks(f)) {
            base.add(derived(b[0], vw, b[1], f));
        }
        GemmCall reference = reference();
        GemmMicro.Config c = base.stream().min(Comparator.comparingDouble(x -> GemmCostModel.micro(f, x, reference))).orElseThrow();
        Set<GemmMicro.Config> out = new LinkedHashSet<>(base);
        // Every block also with one long k-block and bands of CLASSIC_RB panels, the shape of the fixed list
        // measured best on Zen 5 before this space existed: products with a long k (weight gradients of
        // convolutions, k = images × pixels) ran up to 1.9× slower on the cache-derived blocks alone there.
        for (int[] b : blocks(f)) {
            out.add(GemmMicro.Config.of(b[0], vw, b[1], 1, KC_LONG, CLASSIC_RB, false));
        }
        int kcHalf = Math.max(KC_MIN, c.kc() / 2 / KC_STEP * KC_STEP);
        for (int kc : new int[] {kcHalf, c.kc() * 2, KC_LONG}) {
            out.add(GemmMicro.Config.of(c.mr(), c.vw(), c.nv(), 1, kc, rbFor(c.mr(), kc, f), false));
        }
        for (int rb : new int[] {Math.max(1, c.rb() / 2), Math.min(RB_MAX, c.rb() * 2)}) {
            out.add(GemmMicro.Config.of(c.mr(), c.vw(), c.nv(), 1, c.kc(), rb, false));
        }
        for (int ku : new int[] {2, 4}) {
            out.add(GemmMicro.Config.of(c.mr(), c.vw(), c.nv(), ku, c.kc(), c.rb(), false));
        }
        out.add(GemmMicro.Config.of(c.mr(), c.vw(), c.nv(), 1, c.kc(), c.rb(), true));
        return new ArrayList<>(out);
    }

    /**
     * The configuration Gemm uses on this device when nothing was timed: the cost model's first choice for
     * the reference product among the generated ones that pack only where packing pays.
     */
    static GemmMicro.Config deviceDefault(DeviceInfo d) {
        return DEFAULTS.computeIfAbsent(d.cacheKey(), k -> deviceDefault(DeviceFacts.of(d)));
    }

    static GemmMicro.Config deviceDefault(DeviceFacts f) {
        GemmCall reference = reference();
        return configs(f).stream().filter(c -> !c.alwaysPack())
                .min(Comparator.comparingDouble(c -> GemmCostModel.micro(f, c, reference))).orElseThrow();
    }

    /** A square single product, not transposed, beta 0 (no buffers: only its shape is looked at). */
    static GemmCall reference() {
        int s = REFERENCE_SIZE;
        return new GemmCall(false, false, false, s, s, s, 1f, null, 0, s, 0, null, 0, s, 0, 0f, null, 0, s, 0, 1);
    }

    /** The stable name of a configuration: block, vector width, kc, band, unroll depth, packing policy. */
    static String id(GemmMicro.Config c) {
        if (c.local() != 0 || c.kcStrided() != Math.min(c.kc(), GemmMicro.KC_STRIDED_MAX) || c.directA() != GemmMicro.DIRECT_A
                || c.directStrided() != GemmMicro.DIRECT_STRIDED || c.maxPackFloats() != GemmMicro.MAX_PACK_FLOATS
                || (c.packCost() != 0 && c.packCost() != GemmMicro.PACK_COST)) {
            throw new IllegalArgumentException("gemm: only generated micro-kernel configurations have ids, not " + c);
        }
        return String.format(Locale.ROOT, "micro-%dx%d-w%d-k%d-r%d-u%d%s", c.mr(), c.nr(), c.vw(), c.kc(), c.rb(), c.ku(),
                c.alwaysPack() ? "-packed" : "");
    }

    /** The configuration an {@link #id} names; null if {@code id} is not of that form. */
    static GemmMicro.Config parse(String id) {
        Matcher m = ID.matcher(id);
        if (!m.matches()) {
            return null;
        }
        try {
            int mr = Integer.parseInt(m.group(1));
            int nr = Integer.parseInt(m.group(2));
            int vw = Integer.parseInt(m.group(3));
            if (nr % vw != 0) {
                throw new IllegalArgumentException("gemm: '" + id + "': block width " + nr + " is not a multiple of the vector width " + vw);
            }
            return GemmMicro.Config.of(mr, vw, nr / vw, Integer.parseInt(m.group(6)), Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)), m.group(7) != null);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gemm: '" + id + "': number out of range", e);
        }
    }
}
