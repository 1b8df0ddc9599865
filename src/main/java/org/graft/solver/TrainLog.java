package org.graft.solver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Machine-readable training log (CSV), one row per displayed or tested value, for plotting:
 * {@code phase,iter,loss,smoothed_loss,lr,top1,top5,images_per_s,elapsed_s}. Empty cells where a value
 * does not apply. Rows are flushed as they are written so a killed run keeps its log.
 */
public final class TrainLog implements AutoCloseable {
    public static final String HEADER = "phase,iter,loss,smoothed_loss,lr,top1,top5,images_per_s,elapsed_s";
    private final Writer out;
    private final Path file;

    /**
     * A log for a run that starts at iteration {@code resumedAt} (-1 for a fresh run, which starts the
     * file over). A resumed run keeps the rows the interrupted run wrote before that iteration (and its
     * test at that iteration, which the resumed run does not repeat) and drops the rest, which the resumed
     * run writes again: without this, re-run iterations appear twice.
     */
    public TrainLog(Path file, int resumedAt) {
        this.file = file;
        boolean append = resumedAt >= 0;
        try {
            if (append && Files.isRegularFile(file)) {
                keepRowsBefore(file, resumedAt);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            boolean exists = Files.exists(file) && Files.size(file) > 0;
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            if (!append || !exists) {
                out.write(HEADER + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training log " + file + ": " + e.getMessage(), e);
        }
    }

    private static void keepRowsBefore(Path file, int resumedAt) throws IOException {
        java.util.List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        StringBuilder kept = new StringBuilder();
        boolean dropped = false;
        for (int i = 0; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", 3);
            boolean keep = i == 0 || cells.length < 2 || !cells[1].matches("\\d{1,10}");
            if (!keep) {
                long iter = Long.parseLong(cells[1]);
                keep = iter < resumedAt || iter == resumedAt && cells[0].equals("test");
            }
            if (keep) {
                kept.append(lines.get(i)).append('\n');
            } else {
                dropped = true;
            }
        }
        if (dropped) {
            org.graft.io.AtomicFiles.writeString(file, kept.toString());
        }
    }

    public Path file() {
        return file;
    }

    public void train(int iter, double loss, double smoothed, double lr, double imagesPerSecond, double elapsed) {
        row("train", iter, num(loss), num(smoothed), num(lr), "", "", num(imagesPerSecond), num(elapsed));
    }

    public void test(int iter, double loss, double top1, double top5, double elapsed) {
        row("test", iter, num(loss), "", "", num(top1), num(top5), "", num(elapsed));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private void row(String phase, int iter, String... cells) {
        try {
            out.write(phase + "," + iter + "," + String.join(",", cells) + "\n");
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the training log " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            // nothing left to lose: every row was flushed
        }
    }
}
