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

    /** The size of a regular file, or -1 if it cannot be read (the reader then reports the I/O error). */
    public static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
