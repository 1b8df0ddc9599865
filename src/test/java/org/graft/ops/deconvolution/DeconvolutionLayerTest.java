package org.graft.ops.deconvolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.graft.caffe.CaffeImporter;
import org.graft.caffe.WeightShapes;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.layers.Phase;
import org.graft.net.Net;
import org.graft.net.NetBuilder;
import org.graft.net.config.ConfigException;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.selftest.RandomData;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link DeconvolutionCase} cannot express: Caffe import, the net built from it, refused settings and shapes. */
class DeconvolutionLayerTest {
    /** FCN's upsampling by 2 (per channel, bilinear, frozen), a 1x1 score convolution, a classifier and its loss. */
    private static final String FCN_STYLE = """
            name: "upsample"
            force_backward: true
            layer { name: "in" type: "Input" top: "data" top: "label"
                    input_param { shape { dim: 2 dim: 2 dim: 3 dim: 4 } shape { dim: 2 } } }
            layer { name: "up" type: "Deconvolution" bottom: "data" top: "up"
                    param { lr_mult: 0 decay_mult: 0 }
                    convolution_param { num_output: 2 group: 2 kernel_size: 4 stride: 2 pad: 1 bias_term: false
                                        weight_filler { type: "bilinear" } } }
            layer { name: "score" type: "Convolution" bottom: "up" top: "score"
                    convolution_param { num_output: 3 kernel_size: 1 weight_filler { type: "xavier" } } }
            layer { name: "fc" type: "InnerProduct" bottom: "score" top: "fc"
                    inner_product_param { num_output: 3 weight_filler { type: "xavier" } } }
            layer { name: "loss" type: "SoftmaxWithLoss" bottom: "fc" bottom: "label" top: "loss" }
            """;

    @TempDir
    Path tmp;

    private CaffeImporter.Result importText(String prototxt) throws Exception {
        Path f = tmp.resolve("net.prototxt");
        Files.writeString(f, prototxt);
        return CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp);
    }

    private static LayerConfig layer(NetConfig c, String name) {
        return c.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void anFcnStyleUpsamplingImportsBuildsAndTrains() throws Exception {
        CaffeImporter.Result r = importText(FCN_STYLE);
        NetConfig cfg = r.config();
        LayerConfig up = layer(cfg, "up");
        assertThat(up.type()).isEqualTo(LayerType.DECONVOLUTION);
        ConvolutionLayer.Spec spec = up.settings(ConvolutionLayer.Spec.class);
        assertThat(spec.withFillers(null, null)).isEqualTo(new ConvolutionLayer.Spec(2, 4, 4, 2, 2, 1, 1, 1, 1, 2, false));
        assertThat(spec.weightFiller().getType()).isEqualTo("bilinear");
        assertThat(up.learnableBlobs()).isEqualTo(1);
        // The net.json written by the import loads back to the same layers.
        assertThat(NetConfigLoader.parse(r.json(), tmp.resolve("out/net.json")).layers()).isEqualTo(cfg.layers());
        assertThat(r.json()).contains("\"type\": \"Deconvolution\"").contains("\"bilinear\"").contains("\"kernel_size\": 4,")
                .contains("\"group\": 2");
        // Weights (C, OC/group, kh, kw), found without a device.
        assertThat(WeightShapes.expected(cfg).get("up")).containsExactly(new int[] {2, 1, 4, 4});
        assertThat(WeightShapes.blobShapes(cfg, Phase.TRAIN).get("up")).containsExactly(2, 2, 6, 8);

        Engine e = TestEngines.get();
        try (NetBuilder.PhaseNet p = NetBuilder.build(e, cfg, Phase.TRAIN, 1, null, 0)) {
            Net net = p.net();
            net.fill(7);
            float[] w = net.layer("up").params().get(0).blob().download();
            float[] tent = {0.25f, 0.75f, 0.75f, 0.25f};
            for (int i = 0; i < w.length; i++) {
                assertThat(w[i]).isCloseTo(tent[(i / 4) % 4] * tent[i % 4], within(1e-7f));
            }
            // A constant image upsampled bilinearly stays constant away from the border (which sees only one tap per axis).
            net.blob("data").upload(filled(net.blob("data").count(), 1f));
            net.blob("label").upload(new float[] {0, 2});
            net.forward(Pass.train(0, 1));
            float[] y = net.blob("up").download();
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 2; c++) {
                    for (int h = 1; h < 5; h++) {
                        for (int x = 1; x < 7; x++) {
                            assertThat(y[((n * 2 + c) * 6 + h) * 8 + x]).isCloseTo(1f, within(1e-6f));
                        }
                    }
                    assertThat(y[((n * 2 + c) * 6) * 8 + 3]).isCloseTo(0.75f, within(1e-6f));
                }
            }

            // Random data: forward and the data gradient (force_backward) match the reference.
            Random r2 = new Random(5);
            float[] x = RandomData.uniform(r2, net.blob("data").count(), -1, 1);
            net.blob("data").upload(x);
            net.forward(Pass.train(1, 1));
            int[] in = {2, 2, 3, 4};
            float[] expectedY = DeconvolutionReference.forward(x, in, w, null, spec);
            assertClose(net.blob("up").download(), expectedY, 1e-5f);
            assertThat(net.loss()).isFinite().isPositive();
            net.backward(Pass.train(1, 1));
            float[] dUp = net.blob("up").downloadDiff();
            float[] expectedDx = DeconvolutionReference.backward(dUp, x, in, w, spec, new float[w.length], null);
            assertClose(net.blob("data").downloadDiff(), expectedDx, 1e-5f);
            // lr_mult 0: the bilinear kernel gets no gradient; the layers above it do.
            assertThat(net.layer("up").params().get(0).blob().downloadDiff()).containsOnly(0f);
            assertThat(maxAbs(net.layer("score").params().get(0).blob().downloadDiff())).isPositive();
        }
    }

    @Test
    void v1DeconvolutionLayersImportToo() throws Exception {
        NetConfig cfg = importText("""
                name: "v1"
                input: "data" input_dim: 1 input_dim: 4 input_dim: 5 input_dim: 5
                layers { name: "up" type: DECONVOLUTION bottom: "data" top: "up"
                         convolution_param { num_output: 6 kernel_size: 3 stride: 2 group: 2 } }
                """).config();
        assertThat(layer(cfg, "up").type()).isEqualTo(LayerType.DECONVOLUTION);
        assertThat(layer(cfg, "up").settings(ConvolutionLayer.Spec.class).group()).isEqualTo(2);
        assertThat(WeightShapes.expected(cfg).get("up")).containsExactly(new int[] {4, 3, 3, 3}, new int[] {6});
        assertThat(WeightShapes.blobShapes(cfg, Phase.TEST).get("up")).containsExactly(1, 6, 11, 11);
    }

    @Test
    void badSettingsAreRefusedAtTheirField() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net("""
                {"name": "d", "type": "Deconvolution", "bottom": ["data"], "top": ["d"]}"""), Path.of("n.json")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("layers[1].convolution_param")
                .hasMessageContaining("a Deconvolution layer needs num_output and kernel_size");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("""
                {"name": "d", "type": "Deconvolution", "bottom": ["data"], "top": ["d"],
                 "convolution_param": {"num_output": 3, "kernel_size": 2, "group": 2}}"""), Path.of("n.json")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("layers[1].convolution_param.group")
                .hasMessageContaining("num_output (3) must be divisible by group");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("""
                {"name": "d", "type": "Deconvolution", "bottom": ["data"], "top": ["d"],
                 "convolution_param": {"num_output": 3, "kernel_h": 2}}"""), Path.of("n.json")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kernel_h needs kernel_w as well");
    }

    @Test
    void aBilinearFillerNeedsSquareKernels() {
        NetConfig cfg = NetConfigLoader.parse(net("""
                {"name": "up", "type": "Deconvolution", "bottom": ["data"], "top": ["up"],
                 "convolution_param": {"num_output": 2, "kernel_h": 3, "kernel_w": 4, "weight_filler": {"type": "bilinear"}}}"""),
                Path.of("n.json"));
        try (NetBuilder.PhaseNet p = NetBuilder.build(TestEngines.get(), cfg, Phase.TEST, 1, null, 0)) {
            assertThatThrownBy(() -> p.net().fill(1)).hasMessageContaining("layer 'up', learnable blob 0")
                    .hasMessageContaining("square kernels");
        }
    }

    @Test
    void refusesShapesItCannotTake() {
        try (DeconvolutionLayer l = new DeconvolutionLayer("d", new ConvolutionLayer.Spec(4, 1, 1, 1, 1, 1, 1, 1, 1, 1, true))) {
            // out = 1·(1 − 1) + 0 + 1 − 2 = −1
            assertThatThrownBy(() -> l.shapes(List.of(new int[] {1, 2, 1, 1})))
                    .hasMessageContaining("layer 'd' (Deconvolution)").hasMessageContaining("output height would be -1");
        }
        try (DeconvolutionLayer l = new DeconvolutionLayer("g", ConvolutionLayer.Spec.square(4, 3, 1, 0, 2))) {
            assertThatThrownBy(() -> l.shapes(List.of(new int[] {1, 3, 4, 4}))).hasMessageContaining("input channels (3)");
            assertThatThrownBy(() -> l.shapes(List.of(new int[] {3, 4}))).hasMessageContaining("4-D");
            // Unknown dimensions stay unknown.
            assertThat(l.shapes(List.of(new int[] {-1, -1, 5, -1})).tops().get(0)).containsExactly(-1, 4, 7, -1);
            assertThat(l.shapes(List.of(new int[] {-1, -1, 5, -1})).params().get(0)).containsExactly(-1, 2, 3, 3);
        }
    }

    private static String net(String layer) {
        return """
                {"name": "t", "layers": [
                  {"name": "in", "type": "Input", "top": ["data"], "input_param": {"shape": [{"dim": [1, 2, 3, 3]}]}},
                  %s]}""".formatted(layer);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static float maxAbs(float[] v) {
        float m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static void assertClose(float[] actual, float[] expected, float tol) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("element " + i).isCloseTo(expected[i], within(tol));
        }
    }
}
