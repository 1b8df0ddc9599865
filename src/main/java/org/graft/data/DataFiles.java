package org.graft.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads whole data files into memory, gunzipping when the content (not the name) says gzip. */
final class DataFiles {
    private DataFiles() {
    }

    /** Reads {@code file} fully; {@code what} (e.g. "IDX image file") prefixes every error. */
    static byte[] readMaybeGzipped(Path file, String what) {
        byte[] raw = readAll(file, what);
        if (!isGzip(raw)) {
            return raw;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DataException(what + " " + file + ": starts with the gzip magic but is not a valid gzip stream (" + e.getMessage() + ")", e);
        }
    }

    static byte[] readAll(Path file, String what) {
        if (!Files.exists(file)) {
            throw new DataException(what + " " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataException(what + " " + file + " is not a regular file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(what + " " + file + " does not exist", e);
        } catch (IOException | OutOfMemoryError e) {
            throw new DataException(what + " " + file + " could not be read: " + e, e);
        }
    }

    static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }

    static int bigEndianInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
