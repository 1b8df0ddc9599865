package org.graft.cli;

import org.graft.data.DataException;
import picocli.CommandLine.Option;

/** {@code --threads N} of the commands that read images on several cores (convert, mean). */
final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "N", description = "Threads reading and decoding images (default: all cores).")
    Integer threads;

    /** The given count, or every core; a count below 1 is refused rather than quietly raised. */
    int count() {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new DataException("--threads must be at least 1, got " + n);
        }
        return n;
    }
}
