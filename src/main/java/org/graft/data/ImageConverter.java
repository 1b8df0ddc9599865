package org.graft.data;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.graft.caffe.proto.Caffe.Datum;

/**
 * {@code convert}: Caffe's convert_imageset. Every image of an {@link ImageSet} becomes a Datum
 * ({@link DatumEncoder}) under key {@code %08d_<path>} (i = the entry's position, so keys sort in list
 * order) in a new LMDB. Images are decoded on all cores, in order-preserving windows, while one thread
 * writes. An image that cannot be read or decoded stops the run (the database is then not created), or
 * with {@code skipBad} is reported and left out (its index is then missing from the keys, as in Caffe).
 */
public final class ImageConverter {
    /** What a run did. */
    public record Summary(int written, List<String> skipped, double seconds) {
    }

    private ImageConverter() {
    }

    public static Summary convert(ImageSet images, Path db, DatumEncoder encoder, boolean skipBad, int threads, PrintStream log) {
        long start = System.nanoTime();
        Progress progress = new Progress(log, "convert", images.size());
        List<String> skipped = new ArrayList<>();
        int written = 0;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "graft-convert");
            t.setDaemon(true);
            return t;
        });
        try (LmdbWriter writer = new LmdbWriter(db)) {
            ArrayDeque<Future<Datum>> window = new ArrayDeque<>();
            int ahead = 4 * Math.max(1, threads);
            int next = 0;
            for (int i = 0; i < images.size(); i++) {
                while (next < images.size() && next < i + ahead) {
                    int k = next++;
                    window.add(pool.submit(() -> encoder.encode(images.file(k), images.entries().get(k).label(), images.where(k))));
                }
                Datum d;
                try {
                    d = window.remove().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof DataException bad)) {
                        throw rethrow(e.getCause());
                    }
                    if (!skipBad) {
                        throw new DataException(bad.getMessage() + "; stopped, " + db + " was not created (--skip-bad leaves such images out)", bad);
                    }
                    skipped.add(e.getCause().getMessage());
                    if (log != null) {
                        log.println("\nskipped: " + e.getCause().getMessage());
                    }
                    progress.update(i + 1);
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DataException("convert interrupted; " + db + " was not created", e);
                }
                writer.put(images.key(i), d.toByteArray());
                written++;
                progress.update(i + 1);
            }
            if (written == 0) {
                throw new DataException("no image of " + images.origin() + " could be converted; " + db + " was not created");
            }
            writer.finish();
        } finally {
            pool.shutdownNow();
        }
        progress.finish(images.size());
        return new Summary(written, skipped, (System.nanoTime() - start) / 1e9);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new DataException(t.toString(), t);
    }
}
