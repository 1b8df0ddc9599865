package org.graft.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.graft.io.AtomicFiles;

/** The files of a plan (JSON, CSV, Markdown): pretty-printed JSON, atomic writes, reads with a message naming the file. */
final class PlanIo {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private PlanIo() {
    }

    static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ExperimentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes through a temporary file in the same folder and an atomic rename, so a reader (or a run that is
     * killed half-way) never sees a partial file: the old content or the new, nothing between.
     */
    static void writeAtomically(Path file, String text) {
        try {
            AtomicFiles.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
