package org.graft.selftest;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Prints {@code selftest} results as a fixed-width table (ASCII only, so it survives any terminal and
 * log file), followed by the failure details of every failing row.
 */
public final class ReportTable {
    private static final String ROW_FORMAT = "%-26s %6s  %11s  %11s  %-44s %6s  %-6s %8s%n";

    private ReportTable() {
    }

    public static void header(PrintStream out, SelfTest.Report r) {
        header(out, r.device().describe(), r.backend(), r.effort(), r.seed());
    }

    public static void header(PrintStream out, String device, String backend, Effort effort, long seed) {
        out.printf("Graft selftest on %s, backend %s, %s run, seed %d%n", device, backend, effort.name().toLowerCase(Locale.ROOT), seed);
        out.printf(Locale.ROOT, ROW_FORMAT, "kernel / layer", "shapes", "max abs err", "max rel err", "tolerance", "used", "result", "time");
    }

    public static void row(PrintStream out, SelfTest.Row r) {
        out.printf(Locale.ROOT, ROW_FORMAT, r.name(), r.shapes(), number(r.maxAbsError()), number(r.maxRelError()), r.tolerance(),
                percent(r.worstFraction()), r.passed() ? "PASS" : "FAIL", seconds(r.millis()));
    }

    /** The summary line and the details of every failing row. */
    public static void footer(PrintStream out, SelfTest.Report r) {
        long failed = r.failedRows();
        out.printf(Locale.ROOT, "%s: %d of %d checks passed in %s on %s%n", failed == 0 ? "PASS" : "FAIL",
                r.rows().size() - failed, r.rows().size(), seconds(r.millis()), r.device().name());
        for (SelfTest.Row row : r.rows()) {
            if (!row.passed()) {
                out.printf("FAILED %s (%d failing checks):%n", row.name(), row.failureCount());
                if (row.failures().isEmpty()) {
                    out.println("  no comparison was made");
                }
                for (String f : row.failures()) {
                    out.println("  " + f);
                }
                if (row.failureCount() > row.failures().size()) {
                    out.printf("  ... and %d more%n", row.failureCount() - row.failures().size());
                }
            }
        }
        if (failed > 0) {
            out.println("This device or its OpenCL driver computes the rows above wrongly: do not train on it with these kernels."
                    + " See docs/devices.md ('When selftest fails').");
        }
    }

    public static void print(PrintStream out, SelfTest.Report r) {
        header(out, r);
        rows(out, r.rows());
        footer(out, r);
    }

    private static void rows(PrintStream out, List<SelfTest.Row> rows) {
        for (SelfTest.Row row : rows) {
            row(out, row);
        }
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == 0) {
            return "0";
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }

    /** The worst error as a share of its tolerance; "inf" for an error where none was allowed. */
    static String percent(double fraction) {
        if (Double.isInfinite(fraction) || Double.isNaN(fraction)) {
            return "inf";
        }
        return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
