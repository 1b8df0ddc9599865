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
    /** Cost of packing one float, in multiply-add-equivalents (measured: PoCL on Zen 5). */
    static final double PACK_COST = 50;
    /** Extra time, as a fraction of the kernel's, when A is read in place along its rows (measured ~15%). */
    static final double DIRECT_A = 0.15;
    /** Extra time when B, or a transposed A, is read in place down its columns (measured ~50%: each k another row). */
    static final double DIRECT_STRIDED = 0.5;
    /** Longest k-block when an operand is read in place down its columns: more rows would thrash the TLB. */
    static final int KC_STRIDED_MAX = 256;
    /** Bound on one packed copy; bigger products are cut into row/column blocks. */
    static final long MAX_PACK_FLOATS = 16L << 20;
    /** Work-group of the packing kernels (k, panel, batch): a fixed shape, so one compile each (see {@link Engine#runInGroups}). */
    private static final long[] PACK_GROUP = {64, 1, 1};

    /**
     * One point of the tuning space ({@link GemmSpace} generates them per device).
     *
     * @param mr        rows per work-item block
     * @param vw        floats per accumulator vector (4, 8 or 16)
     * @param nv        accumulator vectors per row: the block is nr() = nv·vw columns wide
     * @param ku        k steps per trip of the unrolled k loop
     * @param kc        k-block length when both operands are packed or A is read in place along its rows
     * @param kcStrided k-block length when an operand is read in place down its columns (B, or a
     *                  transposed A): each k then touches another row, often another page, and shorter
     *                  blocks keep those pages in the TLB
     * @param rb        row panels per band (tile order: see gemm_micro)
     * @param local     work-group size (0 = let the driver choose)
     * @param packCost  cost of packing one float, in multiply-add-equivalents (flops / 2); 0 = always pack
     * @param directA   extra time, as a fraction of the kernel's, when A is read in place along its rows
     * @param directStrided extra time when B, or a transposed A, is read in place (down the columns)
     * @param maxPackFloats bound on one packed copy; bigger products are cut into row/column blocks
     */
    record Config(int mr, int vw, int nv, int ku, int kc, int kcStrided, int rb, int local, double packCost,
                  double directA, double directStrided, long maxPackFloats) {
        Config {
            if (mr < 1 || mr > 64 || (vw != 4 && vw != 8 && vw != 16) || nv < 1 || nv > 8 || ku < 1 || ku > 16
                    || kc < 1 || kcStrided < 1 || rb < 1
                    || maxPackFloats < (long) Math.max(kc, kcStrided) * Math.max(mr, vw * nv)) {
                throw new IllegalArgumentException("gemm micro-kernel config: need 1 <= mr <= 64, vw in {4, 8, 16}, 1 <= nv <= 8, "
                        + "1 <= ku <= 16, kc >= 1, rb >= 1 and room for one panel, got " + this);
            }
        }

        /** A generated configuration: kcStrided and the cost constants follow from kc and the packing policy. */
        static Config of(int mr, int vw, int nv, int ku, int kc, int rb, boolean alwaysPack) {
            return new Config(mr, vw, nv, ku, kc, Math.min(kc, KC_STRIDED_MAX), rb, 0, alwaysPack ? 0 : PACK_COST,
                    DIRECT_A, DIRECT_STRIDED, MAX_PACK_FLOATS);
        }

        /** True if {@code o} compiles to the same programs: the same defines (kc and RB are launch arguments). */
        boolean sameCode(Config o) {
            return microDefines(false, false, false, false).equals(o.microDefines(false, false, false, false));
        }

        /** Columns per block. */
        int nr() {
            return vw * nv;
        }

        /** Both operands packed whatever the shape (packing made free in {@link #plan}'s cost model). */
        boolean alwaysPack() {
            return packCost == 0;
        }

        String microDefines(boolean transA, boolean packA, boolean packB, boolean transC) {
            return "-DGEMM_ONLY=2 -DMR=" + mr + " -DVW=" + vw + " -DNV=" + nv + " -DKU=" + ku + " -DTRANS_A=" + bit(transA)
                    + " -DA_PACKED=" + bit(packA) + " -DB_PACKED=" + bit(packB) + " -DTRANS_C=" + bit(transC);
        }
    }

    /** How one product runs: which formulation (possibly transposed) and which operands get packed. */
    record Plan(GemmCall call, boolean packA, boolean packB) {
        /** True if the kernel reads an operand in place down its columns (B, or a transposed A). */
        boolean strided() {
            return !packB || !packA && call.transA();
        }
    }

    /** 6×8 blocks of 8-wide vectors, full k-blocks: the micro-kernel candidate for GPUs whose local memory is slow. */
    static final Config GPU = Config.of(6, 8, 1, 1, 2048, 16, false);

    private GemmMicro() {
    }

    /** The cost model's choice for the device (see {@link GemmSpace#deviceDefault}), used when nothing was timed. */
    static Config forDevice(DeviceInfo d) {
        return GemmSpace.deviceDefault(d);
    }

    /** Runs {@code call} (K must be at least 1). */
    static void run(Engine e, GemmCall call, Config cfg) {
        Plan plan = plan(call, cfg);
        GemmCall x = plan.call();
        int[] b = blocking(plan, cfg);
        int mc = b[0];
        int nc = b[1];
        int kc = b[2];
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

    /**
     * {mc, nc, kc}: the row, column and k-block lengths {@link #run} cuts the planned product into. Row and
     * column blocks only where a packed copy (depth kc) would outgrow maxPackFloats.
     */
    static int[] blocking(Plan plan, Config cfg) {
        GemmCall x = plan.call();
        int kc = plan.strided() ? cfg.kcStrided() : cfg.kc();
        long perBatch = Math.max(1, cfg.maxPackFloats() / Math.max(1, x.batch())) / Math.max(1, Math.min(kc, x.k()));
        int mc = plan.packA() ? blockLength(perBatch, cfg.mr(), x.m()) : x.m();
        int nc = plan.packB() ? blockLength(perBatch, cfg.nr(), x.n()) : x.n();
        return new int[] {Math.max(1, mc), Math.max(1, nc), kc};
    }

    /**
     * The cheapest way to run {@code call}: both formulations, each operand packed or in place. Cost in
     * multiply-add-equivalents: the block's multiply-adds including the padding of M and N to whole
     * blocks, slowed by operands read in place ({@link #inPlaceFactor}), plus packCost per packed float
     * (per product of the batch).
     */
    static Plan plan(GemmCall call, Config cfg) {
        Plan best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (GemmCall x : new GemmCall[] {call, call.transposed()}) {
            for (boolean packA : new boolean[] {true, false}) {
                for (boolean packB : new boolean[] {true, false}) {
                    if (!packB && x.transB()) {
                        continue;
                    }
                    double macs = paddedMacs(x, cfg);
                    double cost = macs * inPlaceFactor(x, packA, packB, cfg)
                            + cfg.packCost() * ((packA ? packedPerProduct(x.m(), x.k(), x.strideA(), x.batch()) : 0)
                            + (packB ? packedPerProduct(x.k(), x.n(), x.strideB(), x.batch()) : 0));
                    if (cost < bestCost) {
                        bestCost = cost;
                        best = new Plan(x, packA, packB);
                    }
                }
            }
        }
        return best;
    }

    /** Floats packed per product of the batch: an operand shared by the whole batch (stride 0) is packed once for all. */
    private static double packedPerProduct(int rows, int cols, int stride, int batch) {
        return (double) rows * cols / (stride == 0 ? Math.max(1, batch) : 1);
    }

    /** Multiply-adds the kernel does for one product of {@code x}'s batch, M and N rounded up to whole blocks. */
    static double paddedMacs(GemmCall x, Config cfg) {
        return (double) ceilDiv(x.m(), cfg.mr()) * cfg.mr() * ceilDiv(x.n(), cfg.nr()) * cfg.nr() * x.k();
    }

    /** Kernel time relative to all-packed operands: reading A or B in place costs the measured extra fractions. */
    static double inPlaceFactor(GemmCall x, boolean packA, boolean packB, Config cfg) {
        double inPlaceA = packA ? 0 : x.transA() ? cfg.directStrided() : cfg.directA();
        double inPlaceB = packB ? 0 : cfg.directStrided();
        return 1 + inPlaceA + inPlaceB;
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
            // An A shared by the whole batch (stride 0: weights against every image) is packed once.
            int copies = x.strideA() == 0 ? 1 : x.batch();
            a = ws.packedA((long) packedStride * copies);
            ClKernel pack = e.kernel("gemm.cl", "-DGEMM_ONLY=1 -DTRANS_A=" + bit(x.transA()) + " -DMR=" + mr, "pack_a");
            pack.arg(0, x.m()).arg(1, x.k()).arg(2, x.a()).arg(3, x.offA()).arg(4, x.lda()).arg(5, x.strideA())
                    .arg(6, a).arg(7, rowPanels).arg(8, panelStride).arg(9, packedStride);
            e.runInGroups(pack, new long[] {x.k(), rowPanels, copies}, PACK_GROUP);
            offA = 0;
            lda = panelStride;
            strideA = copies == 1 ? 0 : packedStride;
        }
        ClBuffer b = x.b();
        int offB = x.offB();
        int ldb = x.ldb();
        int strideB = x.strideB();
        if (packB) {
            int panelStride = x.k() * nr;
            int packedStride = checkedInt((long) colPanels * panelStride, "packed B");
            int copies = x.strideB() == 0 ? 1 : x.batch();
            b = ws.packedB((long) packedStride * copies);
            ClKernel pack = e.kernel("gemm.cl", "-DGEMM_ONLY=1 -DTRANS_B=" + bit(x.transB()) + " -DVW=" + cfg.vw() + " -DNV=" + cfg.nv(), "pack_b");
            pack.arg(0, x.n()).arg(1, x.k()).arg(2, x.b()).arg(3, x.offB()).arg(4, x.ldb()).arg(5, x.strideB())
                    .arg(6, b).arg(7, colPanels).arg(8, panelStride).arg(9, packedStride);
            e.runInGroups(pack, new long[] {x.k(), colPanels, copies}, PACK_GROUP);
            offB = 0;
            ldb = panelStride;
            strideB = copies == 1 ? 0 : packedStride;
        }
        ClKernel kern = e.kernel("gemm.cl", cfg.microDefines(x.transA(), packA, packB, x.transC()), "gemm_micro");
        kern.arg(0, x.m()).arg(1, x.n()).arg(2, x.k()).arg(3, x.alpha())
                .arg(4, a).arg(5, offA).arg(6, lda).arg(7, strideA)
                .arg(8, b).arg(9, offB).arg(10, ldb).arg(11, strideB)
                .arg(12, x.beta()).arg(13, x.c()).arg(14, x.offC()).arg(15, x.ldc()).arg(16, x.strideC())
                .arg(17, cfg.rb());
        long tiles = (long) rowPanels * colPanels;
        e.run(kern, new long[] {tiles, x.batch()}, localSize(e.device(), kern, cfg, tiles));
    }

    /**
     * The configured work-group size, shrunk to the device's and the kernel's limits. Unconfigured: one
     * work-item per group on a CPU (a work-item's block is MR·NR·K multiply-adds, so per-group overhead
     * does not show, and one fixed local size is one work-group function for PoCL to compile per
     * program instead of one per matrix shape, see {@link Engine#runInGroups}); the driver's choice elsewhere.
     */
    private static long[] localSize(DeviceInfo d, ClKernel kern, Config cfg, long tiles) {
        if (cfg.local() <= 0) {
            return d.isCpu() ? new long[] {1, 1} : null;
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
