package org.graft.kernels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.graft.engine.Engine;
import org.graft.opencl.DeviceFacts;
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
     * The candidates timed on {@code d}. CPUs get the micro-kernel space generated from the device's
     * caches and registers ({@link GemmSpace#configs}), since the tiled kernel's barriers only cost there;
     * GPUs get tile shapes from small (few registers, any device) to large (more reuse per load). The
     * simple kernel is always a candidate.
     */
    static List<GemmVariant> candidates(DeviceInfo d) {
        return candidates(d, DeviceFacts.of(d));
    }

    /** {@link #candidates(DeviceInfo)} for a device with facts {@code f} (tests describe machines they do not run on). */
    static List<GemmVariant> candidates(DeviceInfo d, DeviceFacts f) {
        List<GemmVariant> out = new ArrayList<>(d.isGpu() ? gpuCandidates() : cpuCandidates(f));
        out.add(new Simple());
        return out;
    }

    /**
     * Every candidate that can run on {@code d} for this call, the cost model's predicted fastest first
     * ({@link GemmCostModel}): the order to time them in, and the first is the choice when nothing is timed.
     * GPUs keep the candidate list's order (largest tiles first; no model for them). Products too small
     * for packing and blocking to pay put the simple kernel first, as {@link Gemm#choosePath} does.
     */
    static List<GemmVariant> ranked(DeviceInfo d, GemmCall call) {
        return ranked(d, DeviceFacts.of(d), call);
    }

    /** {@link #ranked(DeviceInfo, GemmCall)} for a device with facts {@code f}. */
    static List<GemmVariant> ranked(DeviceInfo d, DeviceFacts f, GemmCall call) {
        List<GemmVariant> out = new ArrayList<>();
        for (GemmVariant v : candidates(d, f)) {
            if (v.unsupported(d) == null) {
                out.add(v);
            }
        }
        if (!d.isGpu()) {
            Map<GemmVariant, Double> cost = new HashMap<>();
            for (GemmVariant v : out) {
                cost.put(v, v instanceof Micro m ? GemmCostModel.micro(f, m.config(), call) : GemmCostModel.simple(call));
            }
            out.sort(Comparator.comparingDouble(cost::get)); // stable: ties keep the generation order
        }
        if (!Gemm.worthTuning(call)) {
            out.sort(Comparator.comparing(v -> !(v instanceof Simple))); // below the measured crossover (Gemm.choosePath)
        }
        return out;
    }

    /**
     * The candidate with this {@link #id()}: any id a generated space can contain on any device (parsed:
     * {@link GemmSpace#parse}), a GPU tile shape, or the simple kernel, so a tuning cache or a check can
     * name one kernel configuration instead of letting the tuner's timing choose.
     */
    static GemmVariant named(String id) {
        GemmMicro.Config parsed = GemmSpace.parse(id);
        if (parsed != null) {
            return micro(parsed);
        }
        List<GemmVariant> all = new ArrayList<>(gpuCandidates());
        all.add(new Simple());
        for (GemmVariant v : all) {
            if (v.id().equals(id)) {
                return v;
            }
        }
        throw new IllegalArgumentException("no GEMM candidate named '" + id + "'; known: "
                + all.stream().map(GemmVariant::id).distinct().toList() + " and micro-kernels named like "
                + GemmSpace.id(GemmMicro.GPU) + " (MRxNR, vector width, k-block, band, unroll, optional -packed)");
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
                micro(GemmMicro.GPU));
    }

    /** Micro-kernel configurations for a CPU with these facts (generated: {@link GemmSpace#configs}). */
    static List<GemmVariant> cpuCandidates(DeviceFacts f) {
        List<GemmVariant> out = new ArrayList<>();
        for (GemmMicro.Config c : GemmSpace.configs(f)) {
            out.add(micro(c));
        }
        return out;
    }

    private static GemmVariant micro(GemmMicro.Config c) {
        return new Micro(GemmSpace.id(c), c);
    }

    private static GemmVariant tiled(int tsM, int tsN, int tsK, int wptM, int wptN) {
        return new Tiled("tiled-" + tsM + "x" + tsN + "x" + tsK + "-" + wptM + "x" + wptN, new GemmTiled.Config(tsM, tsN, tsK, wptM, wptN));
    }
}
