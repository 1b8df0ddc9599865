package org.graft.opencl;

import java.util.List;
import java.util.Locale;

/** One OpenCL binding (JOCL or LWJGL): enumerates devices and opens contexts on them. */
public interface ClBackend {
    String name();

    /** All devices of all platforms, in a stable order; empty if there is no platform. */
    List<DeviceInfo> devices();

    ClContext open(DeviceInfo device);

    static ClBackend named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "jocl" -> new org.graft.opencl.jocl.JoclBackend();
            case "lwjgl" -> new org.graft.opencl.lwjgl.LwjglBackend();
            default -> throw new IllegalArgumentException("unknown OpenCL backend '" + name + "'; use jocl or lwjgl");
        };
    }
}
