package org.graft.bench;

import java.util.Arrays;
import org.graft.engine.Engine;
import org.graft.engine.ProcessCpu;

/** Times a {@link BenchCase}: one warm-up (compiles kernels, touches buffers), then the median of timed runs. */
public final class Timer {
    private Timer() {
    }

    /**
     * @param medianSeconds median wall-clock time of one run
     * @param cpuPerWall    this process's CPU time (all threads, the OpenCL driver's included) per wall
     *                      second over the timed runs: on a CPU device, how many cores the runs actually
     *                      got, which shows when other load on the machine skews the figures; NaN if the
     *                      JVM cannot tell
     */
    public record Timing(double medianSeconds, double cpuPerWall) {
    }

    /** Median wall-clock seconds of {@code repeat} runs, each bracketed by finish() so it times device work. */
    public static Timing measure(Engine e, BenchCase c, int repeat) {
        if (repeat < 1) {
            throw new IllegalArgumentException("repeat must be >= 1, got " + repeat);
        }
        c.body().run();
        e.finish();
        double[] t = new double[repeat];
        long cpu0 = ProcessCpu.nanos();
        long wall0 = System.nanoTime();
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            c.body().run();
            e.finish();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        long wall = System.nanoTime() - wall0;
        long cpu = ProcessCpu.nanos() - cpu0;
        Arrays.sort(t);
        double median = repeat % 2 == 1 ? t[repeat / 2] : (t[repeat / 2 - 1] + t[repeat / 2]) / 2;
        return new Timing(median, cpu0 < 0 ? Double.NaN : (double) cpu / wall);
    }
}
