package org.graft.cli;

import java.util.List;
import java.util.Locale;
import org.graft.engine.Engine;
import org.graft.kernels.TuningCache;
import picocli.CommandLine.Option;

/** The options every command that runs on a device shares: --backend, --device, --device-type. */
public final class DeviceOptions {
    @Option(names = "--backend", defaultValue = "jocl", description = "OpenCL binding: jocl or lwjgl (default: ${DEFAULT-VALUE}).")
    public String backend;

    @Option(names = "--device", defaultValue = "-1", description = "Device index as listed by 'devices' (default: choose by --device-type).")
    public int device;

    @Option(names = "--device-type", defaultValue = "any", description = "gpu, cpu or any (default: ${DEFAULT-VALUE}; any prefers a GPU).")
    public String deviceType;

    @Option(names = "--no-cache", description = "Do not use the on-disk cache of compiled kernels.")
    public boolean noCache;

    @Option(names = "--no-tune", description = "Do not auto-tune GEMM kernels per shape; use the built-in choice (also GRAFT_TUNE=off).")
    public boolean noTune;

    public Engine open() {
        return withTuning(Engine.open(backend, device, deviceType, !noCache));
    }

    /** Opens device {@code index} with this command's cache and tuning settings. */
    public Engine open(int index) {
        return withTuning(Engine.open(backend, index, deviceType, !noCache));
    }

    /**
     * Turns GEMM auto-tuning on unless --no-tune, GRAFT_TUNE=off or -Dgraft.tune=off (the property wins
     * over the variable); winners go to the disk cache unless --no-cache.
     */
    public Engine withTuning(Engine e) {
        if (tuningWanted()) {
            e.enableGemmTuning(noCache ? null : TuningCache.defaultCache());
        }
        return e;
    }

    boolean tuningWanted() {
        String setting = System.getProperty("graft.tune", System.getenv("GRAFT_TUNE"));
        boolean off = setting != null && List.of("0", "off", "false", "no").contains(setting.trim().toLowerCase(Locale.ROOT));
        return !noTune && !off;
    }
}
