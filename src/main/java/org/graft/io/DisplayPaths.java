package org.graft.io;

import java.nio.file.Path;

/**
 * Paths as printed in logs and reports: relative to the current directory, so that output committed to
 * the repository (train logs, report.md) carries no machine-specific absolute path.
 */
public final class DisplayPaths {
    private DisplayPaths() {
    }

    /** {@code p} relative to the working directory when it lies inside it; otherwise as given. */
    public static String of(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath().normalize();
        if (abs.startsWith(cwd) && !abs.equals(cwd)) {
            return cwd.relativize(abs).toString();
        }
        return abs.equals(cwd) ? "." : p.toString();
    }
}
