package org.graft.kernels;

import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;
import org.graft.opencl.DeviceInfo;

/**
 * The CPU path of {@link Gemm}: {@code gemm_micro} in {@code kernels/gemm.cl}, each work-item an
 * MR×NR register block. An operand is packed into panels ({@code pack_a}/{@code pack_b}) when that pays:
 * op(B) must be packed when transposed (the kernel loads contiguous row segments of B); otherwise an
 * operand is packed only when the other dimension is large enough to amortise the copy. When op(B)
 * would need a big copy but op(A) a small one, the product is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ instead
 * (fully connected layers: the weights are read in place, only the batch is packed).
 * Long products are cut into k-blocks (and, if a packed copy would grow too big, row/column blocks)
 * so the packed panels stay cache-sized and the workspace bounded.
 */
final class GemmMicro {
    /**
     * Tuning knobs (all measured on the target machines; see BENCHMARKS.md).
     *
     * @param mr        rows per work-item block (accumulator registers)
     * @param nr        columns per block = vector width of the accumulators (4, 8 or 16)
     * @param kc        k-block length
     * @param packAMinN pack op(A) only when N is at least this (else the kernel reads A in place)
     * @param packBMinM pack an untransposed op(B) only when M is at least this
     * @param rb        row panels per band (tile order: see gemm_micro)
     * @param local     work-group size (0 = let the driver choose)
     * @param maxPackFloats bound on one packed copy; bigger products are cut into row/column blocks
     */
    record Config(int mr, int nr, int kc, int packAMinN, int packBMinM, int rb, int local, long maxPackFloats) {
        Config {
            if (mr < 1 || (nr != 4 && nr != 8 && nr != 16) || kc < 1 || rb < 1 || maxPackFloats < (long) kc * Math.max(mr, nr)) {
                throw new IllegalArgumentException("gemm micro-kernel config: need mr >= 1, nr in {4, 8, 16}, kc >= 1, rb >= 1 and room for one panel, got " + this);
            }
        }

        String microDefines(boolean transA, boolean packA, boolean packB, boolean transC) {
            return "-DMR=" + mr + " -DNR=" + nr + " -DRB=" + rb + " -DTRANS_A=" + bit(transA) + " -DA_PACKED=" + bit(packA)
                    + " -DB_PACKED=" + bit(packB) + " -DTRANS_C=" + bit(transC);
        }

    }

    static final Config DEFAULT = new Config(12, 16, 512, 64, 64, 16, 0, 16L << 20);

    private GemmMicro() {
    }

    static void run(Engine e, GemmCall call, Config cfg) {
        GemmCall x = packedFloats(call.transposed(), cfg) < packedFloats(call, cfg) ? call.transposed() : call;
        boolean packA = packA(x, cfg);
        boolean packB = packB(x, cfg);
        // Row/column blocks only where a packed copy (depth kc) would outgrow maxPackFloats.
        long perBatch = Math.max(1, cfg.maxPackFloats() / x.batch()) / Math.min(cfg.kc(), x.k());
        int mc = packA ? blockLength(perBatch, cfg.mr(), x.m()) : x.m();
        int nc = packB ? blockLength(perBatch, cfg.nr(), x.n()) : x.n();
        for (int j0 = 0; j0 < x.n(); j0 += nc) {
            for (int i0 = 0; i0 < x.m(); i0 += mc) {
                for (int k0 = 0; k0 < x.k(); k0 += cfg.kc()) {
                    GemmCall blk = x.block(i0, Math.min(mc, x.m() - i0), j0, Math.min(nc, x.n() - j0),
                            k0, Math.min(cfg.kc(), x.k() - k0));
                    runBlock(e, blk, cfg, packA, packB);
                }
            }
        }
    }

    /** Largest multiple of {@code unit} not above {@code limit} (at least one unit), capped at {@code whole}. */
    private static int blockLength(long limit, int unit, int whole) {
        long units = Math.max(1, limit / unit);
        return (int) Math.min(whole, units * unit);
    }

    private static boolean packA(GemmCall x, Config cfg) {
        return x.n() >= cfg.packAMinN();
    }

    private static boolean packB(GemmCall x, Config cfg) {
        return x.transB() || x.m() >= cfg.packBMinM();
    }

    /** Floats copied by packing for this formulation; the cheaper formulation wins. */
    private static long packedFloats(GemmCall x, Config cfg) {
        long floats = 0;
        if (packA(x, cfg)) {
            floats += (long) x.m() * x.k();
        }
        if (packB(x, cfg)) {
            floats += (long) x.k() * x.n();
        }
        return floats;
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
