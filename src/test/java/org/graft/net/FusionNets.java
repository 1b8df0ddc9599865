package org.graft.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.graft.layers.Layer;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.selftest.RandomData;

/** What the fusion tests share: small nets on a batch of 3, one training step, and the parameter-gradient comparison. */
final class FusionNets {
    private FusionNets() {
    }

    /** A batch of 3 two-channel images of h x w, with labels. */
    static Map<String, int[]> inputs(int h, int w) {
        Map<String, int[]> in = new LinkedHashMap<>();
        in.put("data", new int[] {3, 2, h, w});
        in.put("label", new int[] {3});
        return in;
    }

    static Net.Entry entry(Layer l, String bottom, String top) {
        return new Net.Entry(l, List.of(bottom), List.of(top));
    }

    /** Random data and parameters from {@code seed}, these labels, then one forward and backward pass. */
    static void step(Net net, long seed, float... labels) {
        Random r = new Random(seed);
        net.blob("data").upload(RandomData.uniform(r, net.blob("data").count(), -1, 1));
        net.blob("label").upload(labels);
        for (Param p : net.params()) {
            p.blob().upload(RandomData.uniform(r, p.blob().count(), -0.5f, 0.5f));
            p.blob().zeroDiff();
        }
        Pass pass = Pass.train(0, 1);
        net.forward(pass);
        net.backward(pass);
    }

    /** Every parameter gradient of {@code a} equals {@code b}'s to the bit. */
    static void sameParamDiffs(Net a, Net b) {
        List<Param> pa = a.params();
        List<Param> pb = b.params();
        assertThat(pa).hasSameSizeAs(pb);
        for (int i = 0; i < pa.size(); i++) {
            assertThat(pa.get(i).blob().downloadDiff()).as(pa.get(i).blob().name()).isEqualTo(pb.get(i).blob().downloadDiff());
        }
    }
}
