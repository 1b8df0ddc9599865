package org.graft.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.graft.io.AtomicFiles;

/** Machine-readable reports of the measuring commands (time, bench): pretty JSON, written atomically. */
final class JsonReports {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReports() {
    }

    /**
     * Writes through a temporary file in the same folder and a rename, so a script polling for the report
     * never reads half of it.
     */
    static void write(Path file, Object report) {
        try {
            AtomicFiles.writeString(file, MAPPER.writeValueAsString(report) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A double for JSON: non-finite values (no flops reported) become null, which JSON can hold. */
    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
