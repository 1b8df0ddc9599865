package org.graft.ops.concat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.graft.caffe.CaffeImporter;
import org.graft.caffe.WeightShapes;
import org.graft.engine.Blob;
import org.graft.layers.Pass;
import org.graft.layers.Phase;
import org.graft.net.Net;
import org.graft.net.NetBuilder;
import org.graft.net.config.ConfigException;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link ConcatCase} cannot say: refused settings and shapes, unknown dimensions, and an inception module imported from Caffe. */
class ConcatLayerTest {
    private static final Path FILE = Path.of("/nets/zoo/net.json");

    @TempDir
    Path tmp;

    private static String net(String concatParam) {
        return """
                {"name": "zoo", "layers": [
                  {"name": "data", "type": "Input", "top": ["a", "b"], "input_param": {"shape": [{"dim": [1, 3, 4, 4]}, {"dim": [1, 2, 4, 4]}]}},
                  {"name": "cat", "type": "Concat", "bottom": ["a", "b"], "top": ["c"]%s}
                ]}
                """.formatted(concatParam);
    }

    @Test
    void axisAndConcatDimTogetherAreRefusedAtTheirLine() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net(", \"concat_param\": {\"axis\": 1, \"concat_dim\": 1}"), FILE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("net.json:3:")
                .hasMessageContaining("concat_param")
                .hasMessageContaining("axis or concat_dim");
    }

    @Test
    void concatDimBindsAsTheAxis() {
        NetConfig net = NetConfigLoader.parse(net(", \"concat_param\": {\"concat_dim\": 0}"), FILE);
        assertThat(net.layers().get(1).settings(ConcatLayer.Spec.class)).isEqualTo(new ConcatLayer.Spec(0));
    }

    @Test
    void mismatchedShapesAreRefusedNamingTheLayerAndBothShapes() {
        ConcatLayer cat = new ConcatLayer("mixed", new ConcatLayer.Spec(1));
        assertThatThrownBy(() -> cat.shapes(List.of(new int[] {2, 3, 4, 4}, new int[] {2, 5, 4, 3})))
                .hasMessageContaining("'mixed'").hasMessageContaining("[2, 3, 4, 4]").hasMessageContaining("[2, 5, 4, 3]");
        assertThatThrownBy(() -> cat.shapes(List.of(new int[] {2, 3, 4, 4}, new int[] {2, 5, 4})))
                .hasMessageContaining("'mixed'");
        assertThatThrownBy(() -> new ConcatLayer("far", new ConcatLayer.Spec(-5)).shapes(List.<int[]>of(new int[] {2, 3, 4, 4})))
                .hasMessageContaining("'far'").hasMessageContaining("axis -5");
    }

    @Test
    void unknownDimensionsPropagate() {
        ConcatLayer cat = new ConcatLayer("cat", new ConcatLayer.Spec(-3));
        assertThat(cat.shapes(List.of(new int[] {-1, 3, 4, 4}, new int[] {2, -1, 4, 4})).tops().get(0))
                .containsExactly(2, -1, 4, 4);
        assertThat(cat.shapes(List.of(new int[] {-1, 3, 4, 4}, new int[] {-1, 5, 4, 4})).tops().get(0))
                .containsExactly(-1, 8, 4, 4);
    }

    /** GoogLeNet's inception module in miniature: four branches joined on channels, then a classifier. */
    private static final String INCEPTION = """
            name: "mini_inception"
            force_backward: true
            layer { name: "data" type: "Input" top: "data" top: "label"
                    input_param { shape { dim: 2 dim: 3 dim: 6 dim: 6 } shape { dim: 2 } } }
            layer { name: "b1" type: "Convolution" bottom: "data" top: "b1"
                    convolution_param { num_output: 4 kernel_size: 1 weight_filler { type: "gaussian" std: 0.3 } } }
            layer { name: "b2_reduce" type: "Convolution" bottom: "data" top: "b2_reduce"
                    convolution_param { num_output: 2 kernel_size: 1 weight_filler { type: "gaussian" std: 0.3 } } }
            layer { name: "b2_relu" type: "ReLU" bottom: "b2_reduce" top: "b2_reduce" }
            layer { name: "b2" type: "Convolution" bottom: "b2_reduce" top: "b2"
                    convolution_param { num_output: 5 kernel_size: 3 pad: 1 weight_filler { type: "gaussian" std: 0.3 } } }
            layer { name: "b3_reduce" type: "Convolution" bottom: "data" top: "b3_reduce"
                    convolution_param { num_output: 2 kernel_size: 1 weight_filler { type: "gaussian" std: 0.3 } } }
            layer { name: "b3" type: "Convolution" bottom: "b3_reduce" top: "b3"
                    convolution_param { num_output: 3 kernel_size: 5 pad: 2 weight_filler { type: "gaussian" std: 0.3 } } }
            layer { name: "b4_pool" type: "Pooling" bottom: "data" top: "b4_pool"
                    pooling_param { pool: MAX kernel_size: 3 stride: 1 pad: 1 } }
            layer { name: "b4" type: "Convolution" bottom: "b4_pool" top: "b4"
                    convolution_param { num_output: 2 kernel_size: 1 weight_filler { type: "gaussian" std: 0.3 } } }
            layer { name: "inception" type: "Concat" bottom: "b1" bottom: "b2" bottom: "b3" bottom: "b4" top: "inception" }
            layer { name: "fc" type: "InnerProduct" bottom: "inception" top: "fc"
                    inner_product_param { num_output: 3 weight_filler { type: "gaussian" std: 0.1 } } }
            layer { name: "loss" type: "SoftmaxWithLoss" bottom: "fc" bottom: "label" top: "loss" }
            """;

    @Test
    void anInceptionModuleImportsFromCaffeAndRunsForwardAndBackward() throws Exception {
        Path f = tmp.resolve("inception.prototxt");
        Files.writeString(f, INCEPTION);
        NetConfig c = CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp).config();
        LayerConfig cat = c.layers().stream().filter(l -> l.name().equals("inception")).findFirst().orElseThrow();
        assertThat(cat.type()).isEqualTo(LayerType.CONCAT);
        assertThat(cat.settings(ConcatLayer.Spec.class)).isEqualTo(ConcatLayer.Spec.DEFAULT);
        // Without a device: the classifier's weights behind the Concat (what a .caffemodel is matched against).
        assertThat(WeightShapes.blobShapes(c, Phase.TRAIN).get("inception")).containsExactly(2, 14, 6, 6);
        assertThat(WeightShapes.expected(c).get("fc").get(0)).containsExactly(3, 14 * 6 * 6);
        try (NetBuilder.PhaseNet p = NetBuilder.build(TestEngines.get(), c, Phase.TRAIN, 1, null, 0)) {
            Net net = p.net();
            net.fill(7);
            Blob data = net.blob("data");
            float[] x = new float[data.count()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(0.37 * i);
            }
            data.upload(x);
            net.blob("label").upload(new float[] {1, 2});
            net.forward(Pass.train(0, 1));
            net.backward(Pass.train(0, 1));
            Blob top = net.blob("inception");
            assertThat(top.shape()).containsExactly(2, 4 + 5 + 3 + 2, 6, 6);
            assertThat(net.loss()).isFinite().isPositive();
            List<float[]> branches = new ArrayList<>();
            List<float[]> branchDiffs = new ArrayList<>();
            for (String b : List.of("b1", "b2", "b3", "b4")) {
                branches.add(net.blob(b).download());
                branchDiffs.add(net.blob(b).downloadDiff());
            }
            int[] sizes = {4, 5, 3, 2};
            assertThat(top.download()).containsExactly(ConcatReference.join(branches, sizes, 2, 36));
            List<float[]> expected = ConcatReference.split(top.downloadDiff(), sizes, 2, 36);
            for (int i = 0; i < 4; i++) {
                assertThat(branchDiffs.get(i)).as("branch " + (i + 1) + " diff").containsExactly(expected.get(i));
            }
            float[] dx = data.downloadDiff();
            double norm = 0;
            for (float v : dx) {
                assertThat(v).isFinite();
                norm += v * v;
            }
            assertThat(norm).as("the data's gradient flows back through all four branches").isPositive();
        }
    }

    @Test
    void aV1ConcatWithConcatDimImports() throws Exception {
        Path f = tmp.resolve("v1.prototxt");
        Files.writeString(f, """
                name: "v1"
                input: "a" input_dim: 1 input_dim: 2 input_dim: 3 input_dim: 3
                input: "b" input_dim: 1 input_dim: 2 input_dim: 3 input_dim: 3
                layers { name: "cat" type: CONCAT bottom: "a" bottom: "b" top: "c" concat_param { concat_dim: 0 } }
                """);
        NetConfig c = CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp).config();
        LayerConfig cat = c.layers().stream().filter(l -> l.name().equals("cat")).findFirst().orElseThrow();
        assertThat(cat.settings(ConcatLayer.Spec.class)).isEqualTo(new ConcatLayer.Spec(0));
    }

    @Test
    void aV0ConcatKeepsItsConcatDim() throws Exception {
        Path f = tmp.resolve("v0.prototxt");
        Files.writeString(f, """
                name: "v0"
                input: "a" input_dim: 1 input_dim: 2 input_dim: 3 input_dim: 3
                input: "b" input_dim: 1 input_dim: 2 input_dim: 3 input_dim: 1
                layers { layer { name: "cat" type: "concat" concat_dim: 3 } bottom: "a" bottom: "b" top: "c" }
                """);
        NetConfig c = CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp).config();
        LayerConfig cat = c.layers().stream().filter(l -> l.name().equals("cat")).findFirst().orElseThrow();
        assertThat(cat.settings(ConcatLayer.Spec.class)).isEqualTo(new ConcatLayer.Spec(3));
    }
}
