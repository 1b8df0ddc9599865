package org.graft.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How long runnable threads on this machine have waited for a core: Linux's pressure stall information
 * ({@code /proc/pressure/cpu}, the cumulative "some" total). It grows only while the cores are
 * oversubscribed, so a timed run during which it stayed flat had every core it could use, even a run
 * that could only occupy some of them (a narrow matrix product), which {@link ProcessCpu}'s share of the
 * compute units cannot tell from a run squeezed by other load.
 */
public final class CpuPressure {
    private static final Path FILE = Path.of("/proc/pressure/cpu");

    private CpuPressure() {
    }

    /** Nanoseconds during which some runnable thread waited for a core since boot, or -1 where the kernel does not say. */
    public static long waitNanos() {
        try {
            for (String line : Files.readAllLines(FILE)) {
                if (line.startsWith("some ")) {
                    return parseTotalMicros(line) * 1000;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no PSI (old kernel, other OS, a container that hides it): the caller judges by its own share only
        }
        return -1;
    }

    /** The total= field of a PSI line, in microseconds. */
    static long parseTotalMicros(String line) {
        for (String field : line.trim().split("\\s+")) {
            if (field.startsWith("total=")) {
                return Long.parseLong(field.substring("total=".length()));
            }
        }
        throw new IllegalArgumentException("no total= in '" + line + "'");
    }
}
