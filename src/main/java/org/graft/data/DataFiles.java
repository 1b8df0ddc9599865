package org.graft.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.graft.io.HeapBudget;
import org.graft.io.InputFiles;

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
        requireFile(file, what);
        HeapBudget.require(InputFiles.size(file), what + " " + file);
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(what + " " + file + " does not exist", e);
        } catch (IOException | OutOfMemoryError e) {
            throw new DataException(what + " " + file + " could not be read: " + e, e);
        }
    }

    /** Refuses a path that is not a regular file, in the words every reader uses (see {@link InputFiles}). */
    static void requireFile(Path file, String what) {
        String problem = InputFiles.problem(file);
        if (problem != null) {
            throw new DataException(what + " " + file + " " + problem);
        }
    }

    /** What a header declares: the body's length in bytes, and its layout in words (e.g. "4×28×28 pixels"). */
    record Declared(long bytes, String layout) {
    }

    /** Given the first bytes of a file (fewer if it is shorter), what its header declares. */
    @FunctionalInterface
    interface DeclaredSize {
        Declared of(byte[] header);
    }

    /**
     * Reads a file whose header declares its size (gunzipping by content): the header first, then the
     * declared body, checked before anything large is allocated against what the file can hold (its size
     * when plain; for gzip, the stream as it is read) and against the heap. The result is exactly header +
     * body; a file longer or shorter than declared is refused naming both sizes.
     */
    static byte[] readDeclared(Path file, String what, int headerBytes, DeclaredSize declared) {
        requireFile(file, what);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            byte[] header = in.readNBytes(headerBytes);
            Declared d = declared.of(header); // validates the header; throws for a truncated one
            long body = d.bytes();
            String says = "the header says " + d.layout() + " (" + body + " bytes after the header)";
            long total = header.length + body;
            if (total > Integer.MAX_VALUE - 8) {
                throw new DataException(what + " " + file + ": " + says + ", more than one array can hold ("
                        + (Integer.MAX_VALUE - 8) + " bytes); is the header damaged?");
            }
            if (!gzip && InputFiles.size(file) < total) {
                throw new DataException(what + " " + file + " is truncated: " + says + " but only "
                        + (InputFiles.size(file) - header.length) + " bytes follow");
            }
            HeapBudget.require(total, what + " " + file + " (as its header declares)");
            byte[] out = java.util.Arrays.copyOf(header, (int) total);
            int at = header.length;
            // For gzip the uncompressed size is unknown until read: grow into the declared size as data arrives.
            while (at < total) {
                int n = in.read(out, at, (int) Math.min(1 << 20, total - at));
                if (n < 0) {
                    throw new DataException(what + " " + file + " is truncated: " + says + " but only " + (at - header.length)
                            + " bytes follow" + (gzip ? " once uncompressed" : ""));
                }
                at += n;
            }
            long extra = in.skip(Long.MAX_VALUE) + (in.read() >= 0 ? 1 : 0);
            if (extra > 0) {
                throw new DataException(what + " " + file + " is longer than its header says: " + d.layout() + " means " + body
                        + " bytes after the header, found " + (body + extra));
            }
            return out;
        } catch (java.util.zip.ZipException e) {
            throw new DataException(what + " " + file + ": starts with the gzip magic but is not a valid gzip stream (" + e.getMessage() + ")", e);
        } catch (IOException e) {
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
