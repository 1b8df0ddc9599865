package org.graft.ops;

import java.util.Arrays;
import java.util.Random;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.layers.ViewLayer;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;

/**
 * The checks of a {@link ViewLayer} (Flatten, Reshape): the top gets the reference's shape and the
 * bottom's values in the same order, backward hands the top's diff back unchanged, both with the top a
 * view of the bottom (as the net builds it: shared buffers, nothing moved) and with a top of its own (copies).
 * Exact: nothing is computed.
 */
public final class ViewCase {
    private ViewCase() {
    }

    public static void check(Engine e, ViewLayer layer, int[] bottom, int[] expectedTop, boolean view, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = view ? LayerRig.of(e, layer, bottom) : LayerRig.ownTops(e, layer, bottom)) {
            t.require(Arrays.equals(rig.top(0).shape(), expectedTop), "top shape " + Arrays.toString(rig.top(0).shape())
                    + ", expected " + Arrays.toString(expectedTop));
            t.require(rig.top(0).sharesBuffersWith(rig.bottom(0)) == view, view ? "the top does not share the bottom's buffers"
                    : "a top of its own shares the bottom's buffers");
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.train(0, 1));
            t.compare(layer.type() + " forward", rig.top(0).download(), x, 0, 0);
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.top(0).uploadDiff(dy);
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            t.compare(layer.type() + " backward", rig.bottom(0).downloadDiff(), dy, 0, 0);
        }
    }

    public static void gradient(Engine e, ViewLayer layer, int[] bottom, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, layer, bottom)) {
            rig.bottom(0).upload(RandomData.uniform(r, rig.bottom(0).count(), -1, 1));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.train(0, 1)));
        }
    }
}
