package org.graft.bench;

import java.util.Arrays;
import org.graft.engine.Engine;

/** Times a {@link BenchCase}: one warm-up (compiles kernels, touches buffers), then the median of timed runs. */
public final class Timer {
    private Timer() {
    }

    /** Median wall-clock seconds of {@code repeat} runs, each bracketed by finish() so it times device work. */
    public static double medianSeconds(Engine e, BenchCase c, int repeat) {
        if (repeat < 1) {
            throw new IllegalArgumentException("repeat must be >= 1, got " + repeat);
        }
        c.body().run();
        e.finish();
        double[] t = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            c.body().run();
            e.finish();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return repeat % 2 == 1 ? t[repeat / 2] : (t[repeat / 2 - 1] + t[repeat / 2]) / 2;
    }
}
