package org.graft.kernels;

import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;
import org.graft.opencl.DeviceInfo;

/**
 * The CPU path of {@link Gemm}: {@code gemm_micro} in {@code kernels/gemm.cl}, each work-item an
 * MR×NR register block. Each operand is either packed into panels ({@code pack_a}/{@code pack_b}) or
 * read in place; op(B) must be packed when transposed (the kernel loads contiguous row segments of B).
 * The product may also be computed as Cᵀ = op(B)ᵀ·op(A)ᵀ (C stored transposed), which turns a big
 * operand that would need packing into one that can be read in place (fully connected layers: the
 * weights stay put, only the batch is packed). {@link #plan} picks the cheapest of these variants by a
 * simple measured cost model. Long products are cut into k-blocks (and, if a packed copy would grow too
 * big, row/column blocks) so the packed panels stay cache-sized and the workspace bounded.
 */
final class GemmMicro {
    /**
     * Tuning knobs (measured on the target machines; see BENCHMARKS.md).
     *
     * @param mr        rows per work-item block (accumulator registers)
     * @param nr        columns per block = vector width of the accumulators (4, 8 or 16)
     * @param kc        k-block length when both operands are packed or A is read in place along its rows
     * @param kcStrided k-block length when an operand is read in place down its columns (B, or a
     *                  transposed A): each k then touches another row, often another page, and shorter
     *                  blocks keep those pages in the TLB
     * @param rb        row panels per band (tile order: see gemm_micro)
     * @param local     work-group size (0 = let the driver choose)
     * @param packCost  cost of packing one float, in multiply-add-equivalents (flops / 2)
     * @param directA   extra time, as a fraction of the kernel's, when A is read in place along its rows
     * @param directStrided extra time when B, or a transposed A, is read in place (down the columns)
     * @param maxPackFloats bound on one packed copy; bigger products are cut into row/column blocks
     */
    record Config(int mr, int nr, int kc, int kcStrided, int rb, int local, double packCost, double directA,
                  double directStrided, long maxPackFloats) {
        Config {
            if (mr < 1 || (nr != 4 && nr != 8 && nr != 16) || kc < 1 || kcStrided < 1 || rb < 1
                    || maxPackFloats < (long) Math.max(kc, kcStrided) * Math.max(mr, nr)) {
                throw new IllegalArgumentException("gemm micro-kernel config: need mr >= 1, nr in {4, 8, 16}, kc >= 1, rb >= 1 and room for one panel, got " + this);
            }
        }

        String microDefines(boolean transA, boolean packA, boolean packB, boolean transC) {
            return "-DMR=" + mr + " -DNR=" + nr + " -DRB=" + rb + " -DTRANS_A=" + bit(transA) + " -DA_PACKED=" + bit(packA)
                    + " -DB_PACKED=" + bit(packB) + " -DTRANS_C=" + bit(transC);
        }
    }

    /** How one product runs: which formulation (possibly transposed) and which operands get packed. */
    record Plan(GemmCall call, boolean packA, boolean packB) {
        /** True if the kernel reads an operand in place down its columns (B, or a transposed A). */
        boolean strided() {
            return !packB || !packA && call.transA();
        }
    }

    /**
     * 12×16 blocks: 12 accumulators of 16 floats fill most of AVX-512's 32 vector registers. Packing one
     * float costs about as much time as 50 multiply-adds; reading A in place along its rows costs ~15%,
     * reading down columns ~50% (each k another row, which defeats the prefetcher). PoCL on Zen 5.
     */
    static final Config WIDE = new Config(12, 16, 2048, 256, 16, 0, 50, 0.15, 0.5, 16L << 20);
    /** 6×16 blocks for 8-wide vectors (AVX2's 16 registers: 12 accumulators). */
    static final Config MEDIUM = new Config(6, 16, 2048, 256, 16, 0, 50, 0.15, 0.5, 16L << 20);
    /** 6×8 blocks for 4-wide vectors (SSE, NEON). */
    static final Config NARROW = new Config(6, 8, 2048, 256, 16, 0, 50, 0.15, 0.5, 16L << 20);
    static final Config DEFAULT = WIDE;

    private GemmMicro() {
    }

    /** The block shape suited to the device's preferred float vector width. */
    static Config forDevice(DeviceInfo d) {
        int w = d.preferredFloatVectorWidth();
        return w >= 16 ? WIDE : w >= 8 ? MEDIUM : NARROW;
    }

    /** Runs {@code call} (K must be at least 1). */
    static void run(Engine e, GemmCall call, Config cfg) {
        Plan plan = plan(call, cfg);
        GemmCall x = plan.call();
        int kc = plan.strided() ? cfg.kcStrided() : cfg.kc();
        // Row/column blocks only where a packed copy (depth kc) would outgrow maxPackFloats.
        long perBatch = Math.max(1, cfg.maxPackFloats() / x.batch()) / Math.min(kc, x.k());
        int mc = plan.packA() ? blockLength(perBatch, cfg.mr(), x.m()) : x.m();
        int nc = plan.packB() ? blockLength(perBatch, cfg.nr(), x.n()) : x.n();
        for (int j0 = 0; j0 < x.n(); j0 += nc) {
            for (int i0 = 0; i0 < x.m(); i0 += mc) {
                for (int k0 = 0; k0 < x.k(); k0 += kc) {
                    GemmCall blk = x.block(i0, Math.min(mc, x.m() - i0), j0, Math.min(nc, x.n() - j0),
                            k0, Math.min(kc, x.k() - k0));
                    runBlock(e, blk, cfg, plan.packA(), plan.packB());
                }
            }
        }
    }

    /** The cheapest way to run {@code call}: both formulations, each operand packed or in place. */
    static Plan plan(GemmCall call, Config cfg) {
        Plan best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (GemmCall x : new GemmCall[] {call, call.transposed()}) {
            for (boolean packA : new boolean[] {true, false}) {
                for (boolean packB : new boolean[] {true, false}) {
                    if (!packB && x.transB()) {
                        continue;
                    }
                    double macs = (double) x.m() * x.n() * x.k();
                    double inPlaceA = packA ? 0 : x.transA() ? cfg.directStrided() : cfg.directA();
                    double inPlaceB = packB ? 0 : cfg.directStrided();
                    double cost = macs * (1 + inPlaceA + inPlaceB)
                            + cfg.packCost() * ((packA ? (double) x.m() * x.k() : 0) + (packB ? (double) x.k() * x.n() : 0));
                    if (cost < bestCost) {
                        bestCost = cost;
                        best = new Plan(x, packA, packB);
                    }
                }
            }
        }
        return best;
    }

    /** Largest multiple of {@code unit} not above {@code limit} (at least one unit), capped at {@code whole}. */
    private static int blockLength(long limit, int unit, int whole) {
        long units = Math.max(1, limit / unit);
        return (int) Math.min(whole, units * unit);
    }

    private static void runBlock(Engine e, GemmCall x, Config cfg, boolean packA, boolean packB) {
        int mr = cfg.mr();
        int nr = cfg.nr();
        int rowPanels = ceilDiv(x.m(), mr);
        int colPanels = ceilDiv(x.n(), nr);
        GemmWorkspace ws = GemmWorkspace.of(e);

        ClBuffer a = x.a();
        int offA = x.offA();
        int lda = x.lda();
        int strideA = x.strideA();
        if (packA) {
            int panelStride = x.k() * mr;
            int packedStride = checkedInt((long) rowPanels * panelStride, "packed A");
            a = ws.packedA((long) packedStride * x.batch());
            ClKernel pack = e.kernel("gemm.cl", "-DTRANS_A=" + bit(x.transA()) + " -DMR=" + mr, "pack_a");
            pack.arg(0, x.m()).arg(1, x.k()).arg(2, x.a()).arg(3, x.offA()).arg(4, x.lda()).arg(5, x.strideA())
                    .arg(6, a).arg(7, rowPanels).arg(8, panelStride).arg(9, packedStride);
            e.run(pack, new long[] {x.k(), rowPanels, x.batch()}, null);
            offA = 0;
            lda = panelStride;
            strideA = packedStride;
        }
        ClBuffer b = x.b();
        int offB = x.offB();
        int ldb = x.ldb();
        int strideB = x.strideB();
        if (packB) {
            int panelStride = x.k() * nr;
            int packedStride = checkedInt((long) colPanels * panelStride, "packed B");
            b = ws.packedB((long) packedStride * x.batch());
            ClKernel pack = e.kernel("gemm.cl", "-DTRANS_B=" + bit(x.transB()) + " -DNR=" + nr, "pack_b");
            pack.arg(0, x.n()).arg(1, x.k()).arg(2, x.b()).arg(3, x.offB()).arg(4, x.ldb()).arg(5, x.strideB())
                    .arg(6, b).arg(7, colPanels).arg(8, panelStride).arg(9, packedStride);
            e.run(pack, new long[] {x.k(), colPanels, x.batch()}, null);
            offB = 0;
            ldb = panelStride;
            strideB = packedStride;
        }
        ClKernel kern = e.kernel("gemm.cl", cfg.microDefines(x.transA(), packA, packB, x.transC()), "gemm_micro");
        kern.arg(0, x.m()).arg(1, x.n()).arg(2, x.k()).arg(3, x.alpha())
                .arg(4, a).arg(5, offA).arg(6, lda).arg(7, strideA)
                .arg(8, b).arg(9, offB).arg(10, ldb).arg(11, strideB)
                .arg(12, x.beta()).arg(13, x.c()).arg(14, x.offC()).arg(15, x.ldc()).arg(16, x.strideC());
        long tiles = (long) rowPanels * colPanels;
        e.run(kern, new long[] {tiles, x.batch()}, localSize(e.device(), kern, cfg, tiles));
    }

    /** The configured work-group size, shrunk to the device's and the kernel's limits; null = driver's choice. */
    private static long[] localSize(DeviceInfo d, ClKernel kern, Config cfg, long tiles) {
        if (cfg.local() <= 0) {
            return null;
        }
        long max = Math.min(Math.min(d.maxWorkGroupSize(), kern.maxWorkGroupSize()), d.maxWorkItemSizes()[0]);
        return new long[] {Math.max(1, Math.min(cfg.local(), Math.min(tiles, max))), 1};
    }

    private static int checkedInt(long v, String what) {
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("gemm: " + what + " would need " + v + " floats, more than int indexing allows");
        }
        return (int) v;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    static int bit(boolean b) {
        return b ? 1 : 0;
    }
}
