package org.graft.cli;

import java.util.List;
import java.util.SplittableRandom;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Param;
import org.graft.layers.Phase;
import org.graft.net.Fillers;
import org.graft.net.Net;
import org.graft.net.NetBuilder;
import org.graft.net.NetBuilder.PhaseNet;
import org.graft.net.config.NetConfig;
import org.graft.solver.Snapshots;

/**
 * Seeded random weights for a model, as a caffemodel: what {@code export --random-weights} writes, e.g.
 * to compare Graft with another implementation (OpenCV) on a network for which no trained weights exist.
 * Every learned blob of the TEST-phase net is drawn from its layer's filler with the seed (exactly the
 * initial weights {@code train} would start from with that seed). A BatchNorm layer's blobs are running
 * statistics that Caffe starts at zero (which would make the layer divide by sqrt(eps)); they get
 * statistics instead: mean U(-0.2, 0.2), variance U(0.5, 1.5) per channel, moving-average factor 1.
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
            for (Layer l : net.layers()) {
                if (BATCH_NORM.equals(l.type())) {
                    randomStatistics(l, seed);
                }
            }
            return Snapshots.toNetParameter(net);
        }
    }

    private static void randomStatistics(Layer bn, long seed) {
        List<Param> ps = bn.params();
        if (ps.size() != 3) {
            throw new IllegalStateException("BatchNorm layer '" + bn.name() + "' has " + ps.size() + " blobs, expected 3");
        }
        ps.get(0).blob().upload(uniform(ps.get(0).blob().count(), -0.2, 0.2, Fillers.random(seed, bn.name(), 0)));
        ps.get(1).blob().upload(uniform(ps.get(1).blob().count(), 0.5, 1.5, Fillers.random(seed, bn.name(), 1)));
        float[] factor = new float[ps.get(2).blob().count()];
        java.util.Arrays.fill(factor, 1f);
        ps.get(2).blob().upload(factor);
    }

    private static float[] uniform(int n, double lo, double hi, SplittableRandom rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return v;
    }
}
