package org.graft.opencl;

import java.util.ArrayList;
import java.util.List;

/** Decodes the CL_DEVICE_TYPE bit field into words. */
public final class DeviceTypes {
    private DeviceTypes() {
    }

    public static String describe(long bits) {
        List<String> parts = new ArrayList<>();
        if ((bits & 2) != 0) {
            parts.add("CPU");
        }
        if ((bits & 4) != 0) {
            parts.add("GPU");
        }
        if ((bits & 8) != 0) {
            parts.add("ACCELERATOR");
        }
        if ((bits & 16) != 0) {
            parts.add("CUSTOM");
        }
        return parts.isEmpty() ? "OTHER" : String.join("+", parts);
    }
}
