package org.graft.engine;

import java.util.List;
import org.graft.kernels.GemmTuner;
import org.graft.kernels.KernelLibrary;
import org.graft.kernels.ProgramCache;
import org.graft.kernels.TuningCache;
import org.graft.opencl.ClBackend;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClContext;
import org.graft.opencl.ClKernel;
import org.graft.opencl.DeviceInfo;
import org.graft.opencl.DeviceSelector;
import org.graft.opencl.WorkGroups;

/**
 * One device opened for work: its OpenCL context and queue plus the compiled kernel library.
 * Layers, the solver and tests all reach the device through an Engine.
 */
public final class Engine implements AutoCloseable {
    private final ClContext cl;
    private final KernelLibrary kernels;
    private volatile GemmTuner gemmTuner;
    private volatile java.util.function.Consumer<String> progress;
    private final ThreadLocal<Boolean> planning = ThreadLocal.withInitial(() -> false);

    public Engine(ClContext cl, KernelLibrary kernels) {
        this.cl = cl;
        this.kernels = kernels;
    }

    /** Opens a device chosen by index (if >= 0) or by type (gpu, cpu, any) on the named backend. */
    public static Engine open(String backend, int deviceIndex, String deviceType, boolean diskCache) {
        ClBackend b = ClBackend.named(backend);
        List<DeviceInfo> devices = b.devices();
        DeviceInfo d = DeviceSelector.select(devices, deviceIndex, deviceType);
        ClContext cl = b.open(d);
        return new Engine(cl, new KernelLibrary(cl, diskCache ? ProgramCache.defaultCache() : null));
    }

    /**
     * Turns on GEMM auto-tuning for this device: each new product shape is timed on every candidate
     * kernel once and the winner remembered in {@code cache} (null: in memory only). Off by default, so
     * library use and tests run the fixed heuristic choice.
     */
    public void enableGemmTuning(TuningCache cache) {
        gemmTuner = GemmTuner.forEngine(this, cache);
        gemmTuner.progress(progress);
    }

    /**
     * Where to say what slow one-time preparation is about to happen (compiling kernel programs, timing
     * GEMM candidates), so a first run on a new device does not sit silent for minutes; null: quiet.
     */
    public void progress(java.util.function.Consumer<String> lines) {
        progress = lines;
        kernels.progress(lines);
        if (gemmTuner != null) {
            gemmTuner.progress(lines);
        }
    }

    /** The GEMM tuner, or null when tuning is off. */
    public GemmTuner gemmTuner() {
        return gemmTuner;
    }

    public ClContext cl() {
        return cl;
    }

    public KernelLibrary kernels() {
        return kernels;
    }

    public DeviceInfo device() {
        return cl.device();
    }

    public ClKernel kernel(String file, String name) {
        return kernel(file, "", name);
    }

    public ClKernel kernel(String file, String defines, String name) {
        if (planning.get()) {
            kernels.prefetch(List.of(new KernelLibrary.ProgramKey(file, defines)));
            return new PlannedKernel(name);
        }
        return kernels.kernel(file, defines, name);
    }

    /** True on a thread inside {@link #plan}: launches are skipped, so nothing may be timed or read back as a result. */
    public boolean planning() {
        return planning.get();
    }

    /**
     * Runs {@code body} on this thread with every launch skipped and every program it asks for started
     * on the compile threads ({@link KernelLibrary#prefetch}), so the programs a piece of device code will
     * need build concurrently before it really runs. Only for code whose host side has no effect but
     * launches (the GEMM tuner plans its candidates with it): reads and writes of buffers still happen.
     */
    public void plan(Runnable body) {
        boolean outer = planning.get();
        planning.set(true);
        try {
            body.run();
        } finally {
            planning.set(outer);
        }
    }

    public ClBuffer alloc(long floats, String label) {
        return cl.createBuffer(Math.max(1, floats) * 4L, label);
    }

    /** 1-D launch over {@code n} work-items with a driver-chosen work-group size. */
    public void run1d(ClKernel k, long n) {
        if (planning.get()) {
            return;
        }
        cl.launch(k, new long[] {n}, null);
    }

    /**
     * Launches {@code k} in work-groups of one fixed shape, {@code local} (shrunk only to the device's and
     * the kernel's limits; the global range is rounded up to whole groups, so the kernel must bounds-check
     * its ids). Why fixed: PoCL compiles a work-group function for every distinct local size it meets,
     * and its own choice follows the global size, so every matrix or blob shape cost another compile of
     * 0.1-0.2 s: the Fashion example's first iteration compiled gemm_micro 29 times, pack_b 21, pack_a 18
     * and sgd_update 11. One shape per kernel is one compile.
     */
    public void runInGroups(ClKernel k, long[] global, long[] local) {
        run(k, global, WorkGroups.fit(device(), k.maxWorkGroupSize(), local, null));
    }

    /**
     * Launches with an explicit {@code local} size (null = driver's choice); a local size beyond the
     * device's or this kernel's queried limits is refused with both named, before the driver sees it.
     */
    public void run(ClKernel k, long[] global, long[] local) {
        if (planning.get()) {
            return;
        }
        if (local != null) {
            WorkGroups.requireFits(device(), k.name(), k.maxWorkGroupSize(), local);
        }
        cl.launch(k, global, local);
    }

    public void finish() {
        cl.finish();
    }

    /** What {@link #kernel} hands out while planning: takes arguments, launches nothing. */
    private record PlannedKernel(String name) implements ClKernel {
        @Override
        public ClKernel arg(int index, ClBuffer buffer) {
            return this;
        }

        @Override
        public ClKernel arg(int index, int value) {
            return this;
        }

        @Override
        public ClKernel arg(int index, float value) {
            return this;
        }

        @Override
        public ClKernel argLocal(int index, long bytes) {
            return this;
        }

        @Override
        public long maxWorkGroupSize() {
            return Long.MAX_VALUE; // unknown until built; the real run checks the real limit
        }

        @Override
        public void close() {
        }
    }

    @Override
    public void close() {
        if (gemmTuner != null) {
            gemmTuner.close(); // scratch buffers of shapes still waiting to be tuned
        }
        kernels.close();
        cl.close();
    }
}
