package org.graft.ops.eltwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.CaffeImporter;
import org.graft.caffe.proto.Caffe.EltwiseParameter.EltwiseOp;
import org.graft.layers.Pass;
import org.graft.layers.Phase;
import org.graft.net.Net;
import org.graft.net.NetBuilder;
import org.graft.net.config.ConfigException;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link EltwiseCase} cannot express: refused settings and shapes, and a residual block imported from Caffe. */
class EltwiseLayerTest {
    private static final Path FILE = Path.of("/nets/res/net.json");

    @TempDir
    Path tmp;

    private static String net(String bottoms, String top, String param) {
        return """
                {"name": "res", "layers": [
                  {"name": "data", "type": "Input", "top": ["a", "b", "c"],
                   "input_param": {"shape": [{"dim": [1, 3, 4, 4]}, {"dim": [1, 3, 4, 4]}, {"dim": [1, 3, 4, 5]}]}},
                  {"name": "sum", "type": "Eltwise", "bottom": [%s], "top": ["%s"]%s}
                ]}
                """.formatted(bottoms, top, param);
    }

    @Test
    void aWrongNumberOfCoefficientsIsRefusedAtItsLine() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"a\", \"b\"", "s", ", \"eltwise_param\": {\"coeff\": [1, 2, 3]}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("net.json:4:")
                .hasMessageContaining("eltwise_param.coeff").hasMessageContaining("one coefficient per bottom (2), found 3");
    }

    @Test
    void coefficientsAndStableProdGradOutsideTheirOperationAreRefused() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"a\", \"b\"", "s",
                ", \"eltwise_param\": {\"operation\": \"PROD\", \"coeff\": [1, 2]}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SUM only");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"a\", \"b\"", "s",
                ", \"eltwise_param\": {\"operation\": \"MAX\", \"coeff\": [1, 2]}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SUM only");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"a\", \"b\"", "s", ", \"eltwise_param\": {\"stable_prod_grad\": false}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("stable_prod_grad").hasMessageContaining("PROD only");
        NetConfig ok = NetConfigLoader.parse(net("\"a\", \"b\"", "s",
                ", \"eltwise_param\": {\"operation\": \"PROD\", \"stable_prod_grad\": false}"), FILE);
        assertThat(ok.layers().get(1).settings(EltwiseLayer.Spec.class))
                .isEqualTo(new EltwiseLayer.Spec(EltwiseOp.PROD, List.of(), false));
    }

    @Test
    void bottomsOfDifferentShapesAreRefusedNamingBoth() {
        NetConfig cfg = NetConfigLoader.parse(net("\"a\", \"c\"", "s", ""), FILE);
        assertThatThrownBy(() -> NetBuilder.build(TestEngines.get(), cfg, Phase.TEST, 0, null, 0))
                .hasMessageContaining("'sum'").hasMessageContaining("[1, 3, 4, 4]").hasMessageContaining("bottom[1] has [1, 3, 4, 5]");
    }

    @Test
    void inPlaceIsRefused() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"a\", \"b\"", "a", ""), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("layers[1].top[0]").hasMessageContaining("Eltwise layer cannot work in place");
    }

    @Test
    void aResidualBlockImportsFromCaffeAndRunsForwardAndBackward() throws Exception {
        String prototxt = """
                name: "resblock"
                layer { name: "data" type: "Input" top: "data" top: "label"
                        input_param { shape { dim: 2 dim: 4 dim: 5 dim: 5 } shape { dim: 2 } } }
                layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
                        convolution_param { num_output: 4 kernel_size: 3 pad: 1 weight_filler { type: "gaussian" std: 0.3 } } }
                layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }
                layer { name: "conv2" type: "Convolution" bottom: "conv1" top: "conv2"
                        convolution_param { num_output: 4 kernel_size: 3 pad: 1 weight_filler { type: "gaussian" std: 0.3 } } }
                layer { name: "res" type: "Eltwise" bottom: "data" bottom: "conv2" top: "res" eltwise_param { operation: SUM } }
                layer { name: "relu2" type: "ReLU" bottom: "res" top: "res" }
                layer { name: "ip" type: "InnerProduct" bottom: "res" top: "ip"
                        inner_product_param { num_output: 3 weight_filler { type: "gaussian" std: 0.1 } } }
                layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }
                """;
        Path f = tmp.resolve("res.prototxt");
        Files.writeString(f, prototxt);
        NetConfig cfg = CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp).config();
        LayerConfig res = cfg.layers().stream().filter(l -> l.name().equals("res")).findFirst().orElseThrow();
        assertThat(res.settings(EltwiseLayer.Spec.class)).isEqualTo(EltwiseLayer.Spec.DEFAULT);
        assertThat(res.bottom()).containsExactly("data", "conv2");
        try (NetBuilder.PhaseNet p = NetBuilder.build(TestEngines.get(), cfg, Phase.TRAIN, 1, null, 0)) {
            Net net = p.net();
            net.fill(3);
            float[] data = new float[2 * 4 * 5 * 5];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) Math.sin(i * 0.37);
            }
            net.blob("data").upload(data);
            net.blob("label").upload(new float[] {0, 2});
            net.forward(Pass.train(0, 1));
            float[] conv2 = net.blob("conv2").download();
            float[] out = net.blob("res").download();
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i]).isCloseTo(Math.max(0f, data[i] + conv2[i]), offset(1e-5f));
            }
            assertThat(net.loss()).isFinite().isPositive();
            net.backward(Pass.train(0, 1));
            float[] w1 = net.layer("conv1").params().get(0).blob().downloadDiff();
            double sumAbs = 0;
            for (float v : w1) {
                assertThat(v).isFinite();
                sumAbs += Math.abs(v);
            }
            assertThat(sumAbs).as("conv1's weight gradient, through the residual branch").isPositive();
        }
    }
}
