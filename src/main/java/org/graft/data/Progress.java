package org.graft.data;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line for long passes over images (convert, mean): done/total, images per second and the
 * time left. On a terminal the line is redrawn in place a few times a second; otherwise (a log file) a
 * line is printed every {@value #LOG_SECONDS} seconds, so logs stay short.
 */
public final class Progress {
    private static final int LOG_SECONDS = 10;

    private final PrintStream out;
    private final String what;
    private final long total;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastPrint;
    private boolean printed;

    /** {@code out} null prints nothing. */
    public Progress(PrintStream out, String what, long total) {
        this(out, what, total, System.console() != null);
    }

    Progress(PrintStream out, String what, long total, boolean terminal) {
        this.out = out;
        this.what = what;
        this.total = total;
        this.terminal = terminal;
        this.lastPrint = start;
    }

    /** Reports that {@code done} images are finished; prints when it is time to. */
    public synchronized void update(long done) {
        long now = System.nanoTime();
        long interval = terminal ? 250_000_000L : LOG_SECONDS * 1_000_000_000L;
        if (out != null && now - lastPrint >= interval && done < total) {
            lastPrint = now;
            print(line(done, now), false);
        }
    }

    /** The last line: totals and the overall rate. */
    public synchronized void finish(long done) {
        if (out != null) {
            print(line(done, System.nanoTime()), true);
        }
    }

    private void print(String line, boolean last) {
        if (terminal) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
        printed = true;
    }

    String line(long done, long now) {
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 && done < total ? "  ETA " + duration((total - done) / rate) : "";
        return String.format(Locale.ROOT, "%s: %,d/%,d images (%.1f%%)  %.0f images/s  %s elapsed%s", what, done, total,
                total > 0 ? 100.0 * done / total : 100.0, rate, duration(seconds), eta);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    boolean printed() {
        return printed;
    }
}
