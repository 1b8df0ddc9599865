package org.graft.cli;

import org.graft.engine.Engine;
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

    public Engine open() {
        return Engine.open(backend, device, deviceType, !noCache);
    }
}
