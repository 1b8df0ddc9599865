package org.graft.data;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code mean}: Caffe's compute_image_mean, the per-pixel mean of every image of a dataset (C×H×W). Sums
 * are kept in double (exact for 8-bit pixels up to 2^53 / 255 images, where Caffe's float sums round), so
 * the result is the exact mean rounded once to float. Images are read on several threads, each summing its
 * own contiguous share; the shares are added in a fixed order, so the result does not depend on timing.
 */
public final class ImageMean {
    private ImageMean() {
    }

    public static MeanImage compute(Dataset data, int threads, PrintStream log) {
        int n = data.size();
        if (n == 0) {
            throw new DataException(data.describe() + " holds no images to average");
        }
        int parts = Math.max(1, Math.min(threads, n));
        Progress progress = new Progress(log, "mean", n);
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(parts, r -> {
            Thread t = new Thread(r, "graft-mean");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<double[]>> sums = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                int from = (int) ((long) n * p / parts);
                int to = (int) ((long) n * (p + 1) / parts);
                sums.add(pool.submit(() -> sum(data, from, to, progress, done)));
            }
            double[] total = new double[data.imageSize()];
            for (Future<double[]> f : sums) {
                double[] s = f.get();
                for (int k = 0; k < total.length; k++) {
                    total[k] += s[k];
                }
            }
            progress.finish(n);
            float[] mean = new float[total.length];
            for (int k = 0; k < mean.length; k++) {
                mean[k] = (float) (total[k] / n);
            }
            return new MeanImage(data.channels(), data.height(), data.width(), mean);
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            throw new DataException("computing the mean of " + data.describe() + " failed: " + t, t);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("computing the mean was interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double[] sum(Dataset data, int from, int to, Progress progress, AtomicLong done) {
        int size = data.imageSize();
        double[] s = new double[size];
        float[] img = new float[size];
        for (int i = from; i < to; i++) {
            data.image(i, img, 0);
            for (int k = 0; k < size; k++) {
                s[k] += img[k];
            }
            progress.update(done.incrementAndGet());
        }
        return s;
    }
}
