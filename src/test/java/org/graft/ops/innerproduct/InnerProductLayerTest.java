package org.graft.ops.innerproduct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.graft.caffe.CaffeFormatException;
import org.graft.caffe.CaffeImporter;
import org.graft.caffe.CaffeWeights.LayerBlobs;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.caffe.WeightShapes;
import org.graft.layers.Phase;
import org.graft.net.config.NetConfig;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tolerances: every output is a float sum of L terms plus one more addend (bias or the previous diff).
 * Recursive float summation (with or without fused multiply-add) errs by at most (L+1)·2^-24·Σ|terms|
 * (Higham's γ bound), and the double reference rounds once more; so each comparison allows
 * (L+2)·2^-24·S, with S the largest Σ|terms| of that output, computed by the reference on |values|.
 */
class InnerProductLayerTest {
    private static final double U = Math.pow(2, -24);

    @TempDir
    Path tmp;

    /** Two InnerProducts with Caffe's axis and transpose, imported from a prototxt. */
    private NetConfig importAxes() throws Exception {
        Path f = tmp.resolve("axes.prototxt");
        Files.writeString(f, """
                name: "axes"
                layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 dim: 4 dim: 5 } } }
                layer { name: "fc" type: "InnerProduct" bottom: "data" top: "fc"
                        inner_product_param { num_output: 6 axis: 2 transpose: true weight_filler { type: "xavier" } } }
                layer { name: "fc2" type: "InnerProduct" bottom: "fc" top: "fc2"
                        inner_product_param { num_output: 4 axis: -1 bias_term: false } }
                """);
        return CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp).config();
    }

    @Test
    void axisAndTransposeImportAndGiveTheWeightShapesCaffeStores() throws Exception {
        NetConfig net = importAxes();
        InnerProductLayer.Spec fc = net.layers().get(1).settings(InnerProductLayer.Spec.class);
        assertThat(fc.withFillers(null, null)).isEqualTo(new InnerProductLayer.Spec(6, true, true, 2));
        assertThat(fc.weightFiller().getType()).isEqualTo("xavier");
        assertThat(net.layers().get(2).settings(InnerProductLayer.Spec.class)).isEqualTo(new InnerProductLayer.Spec(4, false, false, -1));
        // fc: K = 4·5 from axis 2, transposed (K, N); its top keeps 2x3 and adds 6. fc2: K = 6 (the last axis).
        Map<String, List<int[]>> expected = WeightShapes.expected(net);
        assertThat(expected.get("fc")).containsExactly(new int[] {20, 6}, new int[] {6});
        assertThat(expected.get("fc2")).containsExactly(new int[] {4, 6});
        assertThat(WeightShapes.blobShapes(net, Phase.TEST).get("fc2")).containsExactly(2, 3, 4);

        // A caffemodel's blobs load in these shapes, legacy 4-D ones (1, 1, K, N) too; untransposed ones do not fit.
        WeightBlob legacy = new WeightBlob(new int[] {1, 1, 20, 6}, new float[120], true);
        WeightShapes.Matched m = WeightShapes.match(net, List.of(new LayerBlobs("fc", "InnerProduct",
                List.of(legacy, new WeightBlob(new int[] {6}, new float[6], false)))), "axes.caffemodel");
        assertThat(m.layers().get(0).blobs().get(0).shape()).containsExactly(20, 6);
        assertThatThrownBy(() -> WeightShapes.match(net, List.of(new LayerBlobs("fc", "InnerProduct",
                List.of(new WeightBlob(new int[] {6, 20}, new float[120], false), new WeightBlob(new int[] {6}, new float[6], false)))), "x"))
                .isInstanceOf(CaffeFormatException.class).hasMessageContaining("expects shape [20,6]");
    }

    @Test
    void theImportedAxesRunOnTheDevice() throws Exception {
        NetConfig net = importAxes();
        Engine e = TestEngines.get();
        try (InnerProductLayer fc = (InnerProductLayer) net.layers().get(1).type().create(net.layers().get(1))) {
            assertThat(fc.setUp(e, List.of(new int[] {2, 3, 4, 5}))).containsExactly(new int[] {2, 3, 6});
            assertThat(fc.params().get(0).blob().shape()).containsExactly(20, 6);
        }
    }

    @Test
    void anAxisTheBottomDoesNotHaveIsRefusedNamingTheLayer() {
        InnerProductLayer layer = new InnerProductLayer("fc7", new InnerProductLayer.Spec(3, true, false, 4));
        assertThatThrownBy(() -> layer.shapes(List.of(new int[] {2, 3, 4, 5})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 'fc7' (InnerProduct)").hasMessageContaining("axis 4 must lie in [-4, 4)");
        InnerProductLayer negative = new InnerProductLayer("fc8", new InnerProductLayer.Spec(3, true, false, -3));
        assertThatThrownBy(() -> negative.shapes(List.of(new int[] {2, 7})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("axis -3 must lie in [-2, 2)");
        // Unknown dims (a Data layer's channels) give an unknown K, not an error.
        assertThat(negative.shapes(List.of(new int[] {2, -1, 3})).params().get(0)).containsExactly(3, -1);
    }

    /** CaffeNet's fc6 (pool5 256×6×6 = 9216 → 4096) at batch 2, with fc6-like weights (σ = 0.005). */
    @Test
    void caffeNetFc6ShapeForward() {
        Engine e = TestEngines.get();
        Random r = new Random(6);
        int[] shape = {2, 256, 6, 6};
        int m = 2, k = 9216, n = 4096;
        InnerProductLayer layer = new InnerProductLayer("fc6", new InnerProductLayer.Spec(n));
        try (Blob x = new Blob(e, "x", shape); Blob y = new Blob(e, "y", m, n); layer) {
            assertThat(layer.setUp(e, List.of(shape)).get(0)).containsExactly(m, n);
            float[] xs = RandomData.uniform(r, m * k, 0, 1); // post-ReLU activations
            float[] ws = RandomData.gaussian(r, n * k, 0.005f);
            float[] bs = RandomData.uniform(r, n, 0, 1);
            x.upload(xs);
            layer.params().get(0).blob().upload(ws);
            layer.params().get(1).blob().upload(bs);
            layer.forward(List.of(x), List.of(y), Pass.test());
            Tally.requireClose("fc6 forward", y.download(), InnerProductReference.forward(xs, ws, bs, m, n, k, false),
                    tol(k, InnerProductReference.forward(xs, RandomData.abs(ws), bs, m, n, k, false)), 0);
        }
    }

    @Test
    void newBatchSizeIsAcceptedButNewInputSizeIsRefused() {
        Engine e = TestEngines.get();
        InnerProductLayer layer = new InnerProductLayer("fc8", new InnerProductLayer.Spec(10));
        try (layer) {
            layer.setUp(e, List.of(new int[] {4, 3, 2, 2}));
            assertThat(layer.setUp(e, List.of(new int[] {9, 12})).get(0)).containsExactly(9, 10);
            assertThat(layer.params().get(0).blob().shape()).containsExactly(10, 12);
            assertThatThrownBy(() -> layer.setUp(e, List.of(new int[] {4, 13})))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fc8").hasMessageContaining("12").hasMessageContaining("13");
        }
    }

    /** Frozen parameters (lr_mult 0) receive no gradient, as in Caffe; the bottom diff still flows. */
    @Test
    void frozenParamsGetNoGradient() {
        Engine e = TestEngines.get();
        Random r = new Random(3);
        int m = 3, k = 5, n = 4;
        InnerProductLayer layer = new InnerProductLayer("fc", new InnerProductLayer.Spec(n));
        try (Blob x = new Blob(e, "x", m, k); Blob y = new Blob(e, "y", m, n); layer) {
            layer.setUp(e, List.of(new int[] {m, k}));
            for (Param p : layer.params()) {
                p.multipliers(0f, 0f);
                p.blob().upload(RandomData.uniform(r, p.blob().count(), -1, 1));
                p.blob().zeroDiff();
            }
            float[] xs = RandomData.uniform(r, m * k, -1, 1);
            float[] dys = RandomData.uniform(r, m * n, -1, 1);
            x.upload(xs);
            layer.forward(List.of(x), List.of(y), Pass.train(0, 1));
            y.uploadDiff(dys);
            layer.backward(List.of(y), List.of(x), new boolean[] {true}, Pass.train(0, 1));
            assertThat(layer.params().get(0).blob().downloadDiff()).containsOnly(0f);
            assertThat(layer.params().get(1).blob().downloadDiff()).containsOnly(0f);
            float[] ws = layer.params().get(0).blob().download();
            Tally.requireClose("frozen layer bottom diff", x.downloadDiff(), InnerProductReference.bottomGrad(dys, ws, m, n, k, false), 1e-5, 1e-5);
        }
    }

    private static double tol(int sumLength, float[] absSums) {
        double s = 0;
        for (float v : absSums) {
            s = Math.max(s, v);
        }
        return (sumLength + 2) * U * s + 1e-30;
    }

}
