package org.graft.io;

/**
 * Checks, before a large array is allocated, that the Java heap can hold it, so a size declared by a file
 * or an option ends in a message that names it instead of a raw OutOfMemoryError half-way through.
 */
public final class HeapBudget {
    private HeapBudget() {
    }

    /** Bytes the heap can still grow to hold (max − used). */
    public static long available() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /**
     * Throws {@link TooLargeException} if {@code bytes} cannot fit; {@code what} says what needs them. A
     * negative size means "unknown" (e.g. a file whose size could not be read; its reader reports that).
     */
    public static void require(long bytes, String what) {
        if (bytes > available()) {
            System.gc(); // "used" counts garbage too: collect once before refusing
        }
        if (bytes > available()) {
            throw new TooLargeException(what + " needs " + mib(bytes) + " of memory but the Java heap has "
                    + mib(available()) + " free (maximum " + mib(Runtime.getRuntime().maxMemory()) + "); run java with a larger -Xmx"
                    + " if the size is right");
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** A size that does not fit in memory (or in what the data can hold). */
    public static final class TooLargeException extends RuntimeException {
        public TooLargeException(String message) {
            super(message);
        }
    }
}
