package org.graft.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.graft.kernels.KernelLibrary;
import org.graft.kernels.ProgramCache;
import org.graft.opencl.ClBackend;
import org.graft.opencl.ClContext;
import org.graft.opencl.DeviceInfo;
import org.graft.opencl.DeviceSelector;

/**
 * Opens several devices at once ({@code --devices 0,1}): one {@link Engine} (context, queue, kernels)
 * per device, all through one backend. Engines share nothing, so each may be driven by its own thread.
 */
public final class Engines {
    private Engines() {
    }

    /**
     * @param indices device indices as listed by {@code devices}; each must exist, have a compiler and
     *                appear once (checked before any device is opened)
     */
    public static List<Engine> open(String backend, List<Integer> indices, boolean diskCache) {
        if (indices.isEmpty()) {
            throw new IllegalArgumentException("--devices needs at least one device index");
        }
        ClBackend b = ClBackend.named(backend);
        List<DeviceInfo> all = b.devices();
        List<DeviceInfo> chosen = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int index : indices) {
            if (!seen.add(index)) {
                throw new IllegalArgumentException("device " + index + " is listed twice in --devices " + indices
                        + "; each device runs one engine. Devices:\n" + DeviceSelector.list(all));
            }
            if (index < 0) {
                throw new DeviceSelector.NoDeviceException("device index " + index + " is negative; indices start at 0. Devices:\n"
                        + DeviceSelector.list(all));
            }
            chosen.add(DeviceSelector.select(all, index, null));
        }
        ProgramCache cache = diskCache ? ProgramCache.defaultCache() : null;
        List<Engine> engines = new ArrayList<>();
        try {
            for (DeviceInfo d : chosen) {
                ClContext cl = b.open(d);
                engines.add(new Engine(cl, new KernelLibrary(cl, cache)));
            }
        } catch (RuntimeException e) {
            closeAll(engines);
            throw e;
        }
        return engines;
    }

    /** Closes every engine, even if some fail to close; rethrows the first failure. */
    public static void closeAll(List<Engine> engines) {
        RuntimeException first = null;
        for (Engine e : engines) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                first = first == null ? ex : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
