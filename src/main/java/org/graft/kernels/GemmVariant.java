package org.graft.kernels;

import java.util.ArrayList;
import java.util.List;
import org.graft.engine.Engine;
import org.graft.opencl.DeviceInfo;

/**
 * One way of running a GEMM that the {@link GemmTuner} can time: a kernel family plus its tile
 * parameters. Every variant computes the same product (tests compare each one to the reference); they
 * differ only in speed on a given device and shape, and in the order float sums are accumulated.
 */
interface GemmVariant {
    /** Stable name, stored in the tuning cache (change it when the variant's meaning changes). */
    String id();

    /** What the variant does, for the tuning cache's signature: a cache written for other definitions is not trusted. */
    default String definition() {
        return id();
    }

    /** Why this variant cannot run on {@code d} (a device limit it exceeds), or null if it can. */
    String unsupported(DeviceInfo d);

    /**
     * Enqueues the product. Returns false, with nothing enqueued, if the compiled kernel turned out
     * unable to run it (a work-group size above what the kernel's registers allow).
     */
    boolean run(Engine e, GemmCall call);

    /** The portable 4×4-per-work-item kernel, no packing. */
    record Simple() implements GemmVariant {
        @Override
        public String id() {
            return "simple";
        }

        @Override
        public String unsupported(DeviceInfo d) {
            return null;
        }

        @Override
        public boolean run(Engine e, GemmCall call) {
            Gemm.run(e, Gemm.Path.SIMPLE, call);
            return true;
        }
    }

    /** The register-blocked micro-kernel with packing (the CPU path) under one configuration. */
    record Micro(String id, GemmMicro.Config config) implements GemmVariant {
        @Override
        public String definition() {
            return id + " " + config;
        }

        @Override
        public String unsupported(DeviceInfo d) {
            if (config.local() > d.maxWorkGroupSize()) {
                return "work-group size " + config.local() + " > device limit " + d.maxWorkGroupSize();
            }
            return null;
        }

        @Override
        public boolean run(Engine e, GemmCall call) {
            if (call.k() == 0) {
                Gemm.run(e, Gemm.Path.SIMPLE, call);
            } else {
                GemmMicro.run(e, call, config);
            }
            return true;
        }
    }

    /** Local-memory tiles (the GPU path) of one shape. */
    record Tiled(String id, GemmTiled.Config config) implements GemmVariant {
        @Override
        public String definition() {
            return id + " " + config;
        }

        @Override
        public String unsupported(DeviceInfo d) {
            if (GemmTiled.fits(d, config)) {
                return null;
            }
            return String.format("needs a %dx%d work-group and %d bytes of local memory; device allows %d work-items (%d x %d) and %d bytes",
                    config.localX(), config.localY(), config.localBytes(), d.maxWorkGroupSize(), d.maxWorkItemSizes()[0],
                    d.maxWorkItemSizes()[1], d.localMemBytes());
        }

        @Override
        public boolean run(Engine e, GemmCall call) {
            return GemmTiled.run(e, call, config);
        }
    }

    /**
     * The candidates timed on {@code d}. CPUs get micro-kernel shapes around the defaults (block sizes
     * for 16-, 8- and 4-wide vectors, shorter k-blocks, always-pack) since the tiled kernel's barriers
     * only cost there; GPUs get tile shapes from small (few registers, any device) to large (more reuse
     * per load). The simple kernel is always a candidate.
     */
    static List<GemmVariant> candidates(DeviceInfo d) {
        List<GemmVariant> out = new ArrayList<>(d.isGpu() ? gpuCandidates() : cpuCandidates());
        out.add(new Simple());
        return out;
    }

    /**
     * Every candidate that can run on {@code d} for {@code call}, the cost model's predicted fastest first
     * (the choice used before, or without, timing). Placeholder until the cost model lands: the order of
     * {@link #candidates}, i.e. no prediction.
     */
    static List<GemmVariant> ranked(DeviceInfo d, GemmCall call) {
        return candidates(d).stream().filter(v -> v.unsupported(d) == null).toList();
    }

    /**
     * The candidate with this {@link #id()} among every candidate for any device (GPU, CPU, simple), so a
     * check can force one kernel configuration instead of letting the tuner's timing choose.
     */
    static GemmVariant named(String id) {
        List<GemmVariant> all = new ArrayList<>(gpuCandidates());
        all.addAll(cpuCandidates());
        all.add(new Simple());
        for (GemmVariant v : all) {
            if (v.id().equals(id)) {
                return v;
            }
        }
        throw new IllegalArgumentException("no GEMM candidate named '" + id + "'; known: "
                + all.stream().map(GemmVariant::id).distinct().toList());
    }

    /** Tile shapes for GPUs, plus one micro-kernel shape for GPUs where local memory is slow. */
    static List<GemmVariant> gpuCandidates() {
        return List.of(
                tiled(64, 64, 16, 4, 4),
                tiled(64, 64, 8, 8, 8),
                tiled(128, 64, 8, 8, 4),
                tiled(32, 32, 16, 4, 4),
                tiled(32, 32, 8, 2, 2),
                tiled(16, 16, 8, 4, 4),
                micro("micro-6x8", GemmMicro.NARROW));
    }

    /** Micro-kernel configurations for CPUs (also the set the tests check against the reference). */
    static List<GemmVariant> cpuCandidates() {
        GemmMicro.Config wide = GemmMicro.WIDE;
        return List.of(
                micro("micro-12x16", wide),
                micro("micro-12x16-kc512", new GemmMicro.Config(12, 16, 512, 128, wide.rb(), 0, wide.packCost(),
                        wide.directA(), wide.directStrided(), wide.maxPackFloats())),
                micro("micro-8x16", new GemmMicro.Config(8, 16, wide.kc(), wide.kcStrided(), wide.rb(), 0, wide.packCost(),
                        wide.directA(), wide.directStrided(), wide.maxPackFloats())),
                micro("micro-6x16", GemmMicro.MEDIUM),
                micro("micro-6x8", GemmMicro.NARROW),
                // Packing made free in the cost model: both operands always packed, never read in place.
                micro("micro-12x16-packed", new GemmMicro.Config(12, 16, wide.kc(), wide.kcStrided(), wide.rb(), 0, 0,
                        wide.directA(), wide.directStrided(), wide.maxPackFloats())));
    }

    private static GemmVariant micro(String id, GemmMicro.Config c) {
        return new Micro(id, c);
    }

    private static GemmVariant tiled(int tsM, int tsN, int tsK, int wptM, int wptN) {
        return new Tiled("tiled-" + tsM + "x" + tsN + "x" + tsK + "-" + wptM + "x" + wptN, new GemmTiled.Config(tsM, tsN, tsK, wptM, wptN));
    }
}
