package org.graft.kernels;

import org.graft.opencl.DeviceFacts;

/**
 * Predicted time of a GEMM variant on a CPU, in multiply-add-equivalents (the time one scalar
 * multiply-add takes at the FMA units' peak), so that candidates can be ordered before (or without)
 * timing them. It is deliberately coarse — the tuner's timings have the last word — and adds up:
 * <ol>
 *   <li>the block's multiply-adds, M and N padded to whole blocks (edge waste), slowed by
 *     <ul>
 *       <li>loads: per k step a block does MR·NV vector FMAs and MR + NV loads (NV vectors of B, MR
 *           broadcasts of A); a core issues about as many loads as FMAs per cycle (two and two on
 *           current x86), so a block with more loads than FMAs runs at FMAs/loads of peak;</li>
 *       <li>latency: fewer than {@link #CHAINS} independent accumulators cannot hide the FMA latency;</li>
 *       <li>loop overhead, {@link #LOOP_SLOTS} FMA slots per trip of the k loop (unrolling divides it);</li>
 *       <li>cache misses: if the B and A micro-panels of one k-block (kc·(MR + NR) floats) exceed half of
 *           L1d, part of the inner loop's loads come from L2; if a band's A panels (RB·MR·kc) exceed half
 *           of L2, they come from L3;</li>
 *       <li>operands read in place instead of packed ({@link GemmMicro#inPlaceFactor}, measured);</li>
 *     </ul></li>
 *   <li>packing traffic: {@link GemmMicro#PACK_COST} per packed float;</li>
 *   <li>k-blocks: each one after the first reads and rewrites C ({@link #C_COST} per element), and every
 *       block is one kernel launch plus one per packed operand ({@link #LAUNCH_COST} each).</li>
 * </ol>
 */
final class GemmCostModel {
    /** Independent FMA chains needed to hide the latency (4 cycles × 2 FMA units on current x86). */
    static final int CHAINS = 8;
    /** Cost of one k-loop trip's bookkeeping (counter, branch, pointer steps), in vector FMA slots. */
    static final double LOOP_SLOTS = 0.5;
    /** Slow-down when the k-block's micro-panels exceed half of L1d / all of L1d. */
    static final double L1_SPILL = 1.05;
    static final double L1_MISS = 1.25;
    /** Slow-down when a band's A panels do not fit half of L2. */
    static final double L2_MISS = 1.15;
    /**
     * Reading and rewriting one element of C for another k-block (mostly from L3 or memory), in
     * multiply-adds. Timings on PoCL (kc 512 slower than one 2048-long block at n = 1024 on the Xeon, kc
     * 96 well behind 2048 at n = 2048 on Zen 5) say k-blocks cost more than cache misses of long ones.
     */
    static final double C_COST = 32;
    /** One kernel launch (~10 µs on PoCL at ~100 G multiply-adds per second per core), in multiply-adds. */
    static final double LAUNCH_COST = 2e6;
    /** The simple kernel's slow-down against the micro-kernel (measured ~28× at n = 1024 on PoCL). */
    static final double SIMPLE_SLOWDOWN = 25;

    private GemmCostModel() {
    }

    /** Predicted cost of {@code call} under micro-kernel configuration {@code c} on a device with facts {@code f}. */
    static double micro(DeviceFacts f, GemmMicro.Config c, GemmCall call) {
        if (call.m() == 0 || call.n() == 0 || call.k() == 0 || call.batch() == 0) {
            return LAUNCH_COST;
        }
        GemmMicro.Plan plan = GemmMicro.plan(call, c);
        GemmCall x = plan.call();
        int[] blocking = GemmMicro.blocking(plan, c);
        int kc = blocking[2];
        int kEff = Math.min(kc, x.k());
        int fmas = c.mr() * c.nv();
        double loads = Math.max(1, (double) (c.mr() + c.nv()) / fmas);
        double latency = Math.max(1, (double) CHAINS / fmas);
        double loop = 1 + LOOP_SLOTS / (c.ku() * fmas);
        double panels = 4.0 * kEff * (c.mr() + c.nr());
        double l1 = panels <= f.l1dBytes() / 2.0 ? 1 : panels <= f.l1dBytes() ? L1_SPILL : L1_MISS;
        double l2 = 4.0 * c.rb() * c.mr() * kEff <= f.l2Bytes() / 2.0 ? 1 : L2_MISS;
        double kernel = GemmMicro.paddedMacs(x, c) * x.batch() * loads * latency * loop * l1 * l2
                * GemmMicro.inPlaceFactor(x, plan.packA(), plan.packB(), c);
        // Always-pack configurations plan as if packing were free; it costs them what it costs the others.
        double packed = ((plan.packA() ? (double) x.m() * x.k() : 0) + (plan.packB() ? (double) x.k() * x.n() : 0)) * x.batch();
        int kBlocks = GemmMicro.ceilDiv(x.k(), kc);
        long mnBlocks = (long) GemmMicro.ceilDiv(x.m(), blocking[0]) * GemmMicro.ceilDiv(x.n(), blocking[1]);
        int launchesPerBlock = 1 + (plan.packA() ? 1 : 0) + (plan.packB() ? 1 : 0);
        return kernel + GemmMicro.PACK_COST * packed
                + C_COST * (double) x.m() * x.n() * x.batch() * (kBlocks - 1)
                + LAUNCH_COST * mnBlocks * kBlocks * launchesPerBlock;
    }

    /** Predicted cost of the simple kernel: no packing, one launch, much slower per multiply-add. */
    static double simple(GemmCall call) {
        return SIMPLE_SLOWDOWN * (double) call.m() * call.n() * call.k() * call.batch() + LAUNCH_COST;
    }
}
