package org.graft.cli;

import java.util.List;
import java.util.SplittableRandom;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.layers.Phase;
import org.graft.net.Fillers;
import org.graft.net.Net;
import org.graft.net.NetBuilder;
import org.graft.net.NetBuilder.PhaseNet;
import org.graft.net.NetTimer;
import org.graft.net.config.NetConfig;
import org.graft.solver.Snapshots;

/**
 * Seeded random weights for a model, as a caffemodel: what {@code export --random-weights} writes, e.g.
 * to compare Graft with another implementation (OpenCV) on a network for which no trained weights exist.
 * Every learned blob of the TEST-phase net is drawn from its layer's filler with the seed (exactly the
 * initial weights {@code train} would start from with that seed). A BatchNorm layer's blobs are running
 * statistics, which Caffe starts at zero (the layer would then divide by sqrt(eps)); random ones would let
 * a deep residual net's activations grow without bound. So they are measured: one TEST forward pass on a
 * seeded random input in [-1, 1], and each BatchNorm layer, before it runs, gets its bottom's per-channel
 * mean and variance, perturbed (mean + U(-0.1, 0.1) standard deviations, variance × U(0.8, 1.25)) and
 * stored as Caffe stores running sums, scaled by a moving-average factor U(0.5, 2).
 */
final class RandomModel {
    static final String BATCH_NORM = "BatchNorm";

    private RandomModel() {
    }

    /** The net's learned layers with seeded random weights, as a V2 NetParameter. */
    static org.graft.caffe.proto.Caffe.NetParameter of(Engine engine, NetConfig cfg, long seed) {
        try (PhaseNet pn = NetBuilder.build(engine, cfg, Phase.TEST, seed, null, 1, true)) {
            Net net = pn.net();
            net.fill(seed);
            if (net.layers().stream().anyMatch(l -> BATCH_NORM.equals(l.type()))) {
                measureStatistics(net, seed);
            }
            return Snapshots.toNetParameter(net);
        }
    }

    /** One forward pass in which each BatchNorm layer first takes its statistics from its bottom. */
    private static void measureStatistics(Net net, long seed) {
        NetTimer.randomInputs(net, 1, seed);
        Pass pass = Pass.test();
        for (int i = 0; i < net.entries().size(); i++) {
            Layer l = net.entries().get(i).layer();
            if (BATCH_NORM.equals(l.type())) {
                setStatistics(l, net.bottoms(i).get(0), seed);
            }
            l.forward(net.bottoms(i), net.tops(i), pass);
        }
    }

    private static void setStatistics(Layer bn, Blob bottom, long seed) {
        List<Param> ps = bn.params();
        if (ps.size() != 3 || bottom.numAxes() < 2) {
            throw new IllegalStateException("BatchNorm layer '" + bn.name() + "': expected 3 blobs and a bottom with channels");
        }
        int n = bottom.shape(0);
        int c = bottom.shape(1);
        int spatial = bottom.count(2);
        float[] x = bottom.download();
        SplittableRandom rng = Fillers.random(seed, bn.name(), 0);
        double factor = 0.5 + 1.5 * rng.nextDouble();
        float[] mean = new float[c];
        float[] var = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            double sq = 0;
            for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * spatial;
                for (int k = 0; k < spatial; k++) {
                    sum += x[base + k];
                }
            }
            double m = sum / ((double) n * spatial);
            for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * spatial;
                for (int k = 0; k < spatial; k++) {
                    double d = x[base + k] - m;
                    sq += d * d;
                }
            }
            double v = Math.max(sq / ((double) n * spatial), 1e-3);
            mean[ch] = (float) ((m + 0.1 * Math.sqrt(v) * (2 * rng.nextDouble() - 1)) * factor);
            var[ch] = (float) (v * (0.8 + 0.45 * rng.nextDouble()) * factor);
        }
        ps.get(0).blob().upload(mean);
        ps.get(1).blob().upload(var);
        float[] f = new float[ps.get(2).blob().count()];
        java.util.Arrays.fill(f, (float) factor);
        ps.get(2).blob().upload(f);
    }
}
