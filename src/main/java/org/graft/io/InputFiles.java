package org.graft.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What is wrong with a path given as an input file, in the same words for every reader: it does not
 * exist, is a directory, or is a device or other special file (reading /dev/zero would never end). Each
 * reader wraps the answer in its own exception so the message names the kind of file too.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /** Null when {@code file} is a regular file (links followed), else e.g. "is a directory, not a file". */
    public static String problem(Path file) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? "is a link to nothing (" + e.getMessage() + ")" : "does not exist";
        }
        if (a.isRegularFile()) {
            return null;
        }
        if (a.isDirectory()) {
            return "is a directory, not a file";
        }
        return "is a device or other special file, not a regular file";
    }

    /**
     * The file as UTF-8 text. Invalid bytes give an IOException whose message says so in words (where
     * Java's own says only "Input length = 3"), naming the line and the offending byte.
     */
    public static String readUtf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        java.nio.charset.CharsetDecoder d = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
        try {
            return d.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
            d.reset().decode(in, java.nio.CharBuffer.allocate(bytes.length + 1), true);
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new IOException(String.format(java.util.Locale.ROOT, "it is not UTF-8 text: byte 0x%02X at line %d"
                    + " (offset %d) is not valid UTF-8; save the file as UTF-8", bytes[Math.min(at, bytes.length - 1)] & 0xff, line, at));
        }
    }

    /** The size of a regular file, or -1 if it cannot be read (the reader then reports the I/O error). */
    public static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
