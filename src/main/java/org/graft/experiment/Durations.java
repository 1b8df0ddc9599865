package org.graft.experiment;

import java.util.Locale;

/** Human-readable durations for progress lines and reports: "42.0s", "3m07s", "2h05m09s". */
final class Durations {
    private Durations() {
    }

    static String of(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : String.format(Locale.ROOT, "%.1fs", seconds);
    }
}
