package org.graft.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Pass;

/**
 * Caffe's {@code time} for Graft: one warm-up forward/backward, then {@code iterations} timed ones with
 * the queue drained after every layer, so each layer's device time is measured on its own.
 */
public final class NetTimer {
    /**
     * Per-layer averages in milliseconds, and the layer's floating-point work; {@code fusedInto}: the layer
     * whose forward computes this one (a fused ReLU, whose own times are then ~0, or a fused LRN, which still
     * runs its own backward), or null.
     */
    public record LayerTime(String name, String type, double forwardMs, double backwardMs, long forwardFlops, long backwardFlops,
                            boolean backward, String fusedInto) {
    }

    public record Report(List<LayerTime> layers, double forwardMs, double backwardMs, int batch, long peakBytes) {
        public double totalMs() {
            return forwardMs + backwardMs;
        }

        public double imagesPerSecond() {
            return batch / (totalMs() / 1000.0);
        }
    }

    private NetTimer() {
    }

    /** Fills every input with data of plausible range: images in [-1, 1], labels valid class ids. */
    public static void randomInputs(Net net, int numClasses, long seed) {
        Random r = new Random(seed);
        for (String in : net.inputNames()) {
            Blob b = net.blob(in);
            float[] v = new float[b.count()];
            boolean labels = b.numAxes() == 1 || in.toLowerCase().contains("label");
            for (int i = 0; i < v.length; i++) {
                v[i] = labels ? r.nextInt(Math.max(1, numClasses)) : r.nextFloat() * 2 - 1;
            }
            b.upload(v);
        }
    }

    public static Report time(Net net, int iterations, boolean train) {
        Engine e = net.engine();
        int n = net.entries().size();
        double[] fwd = new double[n];
        double[] bwd = new double[n];
        Pass pass = train ? Pass.train(0, 1) : Pass.test();
        e.cl().resetPeak();
        run(net, pass, train, null, null); // warm-up: compiles kernels, allocates workspaces
        for (int it = 0; it < iterations; it++) {
            zeroParamDiffs(net);
            run(net, pass, train, fwd, bwd);
        }
        List<LayerTime> out = new ArrayList<>();
        double f = 0;
        double b = 0;
        for (int i = 0; i < n; i++) {
            Layer l = net.entries().get(i).layer();
            double fm = fwd[i] / iterations;
            double bm = bwd[i] / iterations;
            f += fm;
            b += bm;
            String fusedInto = l.fusedInto();
            out.add(new LayerTime(l.name(), l.type(), fm, bm, l.forwardFlops(), l.backwardFlops(), train && net.needsBackward(i),
                    fusedInto));
        }
        int batch = net.blob(net.inputNames().get(0)).shape(0);
        return new Report(out, f, b, batch, e.cl().peakBytes());
    }

    private static void zeroParamDiffs(Net net) {
        net.params().forEach(p -> {
            if (!p.frozen()) {
                p.blob().zeroDiff();
            }
        });
        net.engine().finish();
    }

    private static void run(Net net, Pass pass, boolean train, double[] fwd, double[] bwd) {
        Engine e = net.engine();
        int n = net.entries().size();
        e.finish();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            net.entries().get(i).layer().forward(net.bottoms(i), net.tops(i), pass);
            e.finish();
            if (fwd != null) {
                fwd[i] += (System.nanoTime() - t0) / 1e6;
            }
        }
        if (!train) {
            return;
        }
        for (int i = n - 1; i >= 0; i--) {
            if (!net.needsBackward(i)) {
                continue;
            }
            long t0 = System.nanoTime();
            net.entries().get(i).layer().backward(net.tops(i), net.bottoms(i), net.propagateDown(i), pass);
            e.finish();
            if (bwd != null) {
                bwd[i] += (System.nanoTime() - t0) / 1e6;
            }
        }
    }

    public static String format(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-14s %-16s %11s %9s %11s %9s%n", "layer", "type", "forward ms", "GFLOP/s", "backward ms", "GFLOP/s"));
        for (LayerTime t : r.layers()) {
            if (t.fusedInto() != null) {
                // Its forward is the other layer's; a fused LRN still runs its own backward.
                sb.append(String.format(java.util.Locale.ROOT, "%-14s %-16s %-21s %11s %9s%n", t.name(), t.type(), "fused into " + t.fusedInto(),
                        t.backward() ? String.format(java.util.Locale.ROOT, "%.3f", t.backwardMs()) : "-",
                        t.backward() ? gflops(t.backwardFlops(), t.backwardMs()) : "-"));
                continue;
            }
            sb.append(String.format(java.util.Locale.ROOT, "%-14s %-16s %11.3f %9s %11s %9s%n", t.name(), t.type(), t.forwardMs(),
                    gflops(t.forwardFlops(), t.forwardMs()), t.backward() ? String.format(java.util.Locale.ROOT, "%.3f", t.backwardMs()) : "-",
                    t.backward() ? gflops(t.backwardFlops(), t.backwardMs()) : "-"));
        }
        long ff = r.layers().stream().mapToLong(LayerTime::forwardFlops).sum();
        long bf = r.layers().stream().filter(LayerTime::backward).mapToLong(LayerTime::backwardFlops).sum();
        sb.append(String.format(java.util.Locale.ROOT, "Average forward pass: %.2f ms (%s GFLOP/s)%n", r.forwardMs(), gflops(ff, r.forwardMs())));
        sb.append(String.format(java.util.Locale.ROOT, "Average backward pass: %.2f ms (%s GFLOP/s)%n", r.backwardMs(), gflops(bf, r.backwardMs())));
        sb.append(String.format(java.util.Locale.ROOT, "Average forward-backward: %.2f ms, %.1f images/s (batch %d, %s GFLOP/s)%n",
                r.totalMs(), r.imagesPerSecond(), r.batch(), gflops(ff + bf, r.totalMs())));
        sb.append(String.format("Peak device memory: %s%n", org.graft.opencl.Sizes.human(r.peakBytes())));
        return sb.toString();
    }

    private static String gflops(long flops, double ms) {
        if (flops <= 0 || ms <= 0) {
            return "-";
        }
        return String.format(java.util.Locale.ROOT, "%.2f", flops / (ms * 1e6));
    }

    static int[] shape(Blob b) {
        return Arrays.copyOf(b.shape(), b.numAxes());
    }
}
