package org.graft.cli;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.graft.opencl.ClBackend;
import org.graft.opencl.DeviceFacts;
import org.graft.opencl.DeviceInfo;
import org.graft.opencl.DeviceSelector;
import org.graft.opencl.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Lists every OpenCL platform and device with the limits Graft uses. */
@Command(name = "devices", mixinStandardHelpOptions = true, description = "List OpenCL platforms and devices.")
final class DevicesCommand implements Callable<Integer> {
    @Option(names = "--backend", defaultValue = "jocl", description = "OpenCL binding: jocl or lwjgl (default: ${DEFAULT-VALUE}).")
    String backend;

    @Override
    public Integer call() {
        ClBackend b = ClBackend.named(backend);
        List<DeviceInfo> devices = b.devices();
        if (devices.isEmpty()) {
            System.err.println(DeviceSelector.INSTALL_HELP);
            return 2;
        }
        System.out.println("OpenCL devices (backend " + b.name() + "):");
        int platform = -1;
        for (DeviceInfo d : devices) {
            if (d.platformIndex() != platform) {
                platform = d.platformIndex();
                System.out.printf("Platform %d: %s (%s)%n", platform, d.platformName(), d.platformVersion());
            }
            System.out.printf("  [%d] %s%n", d.index(), d.name());
            System.out.printf("      vendor: %s | type: %s | %s | driver %s%n", d.vendor(), d.type(), d.openclCVersion(), d.driverVersion());
            System.out.printf("      compute units: %d | global memory: %s | max allocation: %s | local memory: %s%n",
                    d.computeUnits(), Sizes.human(d.globalMemBytes()), Sizes.human(d.maxAllocBytes()), Sizes.human(d.localMemBytes()));
            System.out.printf("      max work-group: %d | max work-items: %s | float vector width: %d | fp64: %s | compiler: %s%n",
                    d.maxWorkGroupSize(), Arrays.toString(d.maxWorkItemSizes()), d.preferredFloatVectorWidth(),
                    d.fp64() ? "yes" : "no", d.compilerAvailable() ? "yes" : "NO (cannot run Graft)");
            if (d.isCpu()) {
                DeviceFacts f = DeviceFacts.of(d);
                System.out.printf("      caches per core: L1d %s, L2 %s | L3 %s | line %d B | vector registers: %d x %d floats (%s)%n",
                        Sizes.human(f.l1dBytes()), Sizes.human(f.l2Bytes()), f.l3Bytes() > 0 ? Sizes.human(f.l3Bytes()) : "unknown",
                        f.lineBytes(), f.vectorRegisters(), f.vectorFloats(), f.source());
            }
        }
        return 0;
    }
}
