package org.graft.opencl;

import java.util.List;
import java.util.Locale;

/** Picks a device by index or type, with messages that list what exists when the choice is wrong. */
public final class DeviceSelector {
    public static final String INSTALL_HELP = "No OpenCL platform was found. Install an OpenCL runtime: on Debian/Ubuntu a CPU "
            + "runtime is 'apt-get install pocl-opencl-icd ocl-icd-libopencl1'; for GPUs see docs/devices.md "
            + "(NVIDIA driver ICD, AMD ROCm or Mesa, Intel compute-runtime).";

    private DeviceSelector() {
    }

    /**
     * @param index device index over all platforms, or negative to choose by type
     * @param type  gpu, cpu or any (used when index is negative); any prefers a GPU
     */
    public static DeviceInfo select(List<DeviceInfo> devices, int index, String type) {
        if (devices.isEmpty()) {
            throw new NoDeviceException(INSTALL_HELP);
        }
        if (index >= 0) {
            if (index >= devices.size()) {
                throw new NoDeviceException("device index " + index + " is out of range; there "
                        + (devices.size() == 1 ? "is 1 device" : "are " + devices.size() + " devices") + ":\n" + list(devices));
            }
            DeviceInfo d = devices.get(index);
            if (!d.compilerAvailable()) {
                throw new NoDeviceException("device " + index + " (" + d.name() + ") has no OpenCL C compiler "
                        + "(CL_DEVICE_COMPILER_AVAILABLE is false); Graft compiles its kernels at run time. Devices:\n" + list(devices));
            }
            return d;
        }
        String t = type == null ? "any" : type.toLowerCase(Locale.ROOT);
        switch (t) {
            case "gpu", "cpu", "any" -> {
            }
            default -> throw new IllegalArgumentException("--device-type must be gpu, cpu or any, not '" + type + "'");
        }
        DeviceInfo fallback = null;
        for (DeviceInfo d : devices) {
            if (!d.compilerAvailable()) {
                continue;
            }
            if (t.equals("gpu") && d.isGpu() || t.equals("cpu") && d.isCpu()) {
                return d;
            }
            if (t.equals("any")) {
                if (d.isGpu()) {
                    return d;
                }
                if (fallback == null) {
                    fallback = d;
                }
            }
        }
        if (fallback != null) {
            return fallback;
        }
        throw new NoDeviceException("no " + t + " device with an OpenCL compiler was found. Devices:\n" + list(devices));
    }

    public static String list(List<DeviceInfo> devices) {
        StringBuilder sb = new StringBuilder();
        for (DeviceInfo d : devices) {
            sb.append(String.format("  [%d] %s | %s | %s | platform %s%n", d.index(), d.name(), d.vendor(), d.type(), d.platformName()));
        }
        return sb.toString();
    }

    /** Thrown when no usable device matches; the message is meant for the user as is. */
    public static final class NoDeviceException extends RuntimeException {
        public NoDeviceException(String message) {
            super(message);
        }
    }
}
