package org.graft.ops.reshape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.CaffeImporter;
import org.graft.net.config.ConfigException;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.NetConfigWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link ReshapeCase} cannot say: refused settings and impossible reshapes, unknown dimensions, Caffe import. */
class ReshapeLayerTest {
    private static final Path FILE = Path.of("/nets/zoo/net.json");

    @TempDir
    Path tmp;

    private static String net(String reshapeParam) {
        return """
                {"name": "zoo", "layers": [
                  {"name": "data", "type": "Input", "top": ["a"], "input_param": {"shape": [{"dim": [2, 6, 4, 4]}]}},
                  {"name": "re", "type": "Reshape", "bottom": ["a"], "top": ["b"], "reshape_param": %s}
                ]}
                """.formatted(reshapeParam);
    }

    private static List<int[]> shapes(ReshapeLayer.Spec spec, int... bottom) {
        return new ReshapeLayer("re", spec).shapes(List.<int[]>of(bottom)).tops();
    }

    @Test
    void settingsReachTheLayerAndAreWrittenBack() {
        NetConfig net = NetConfigLoader.parse(net("{\"shape\": {\"dim\": [0, -1, 2]}, \"axis\": 1, \"num_axes\": 2}"), FILE);
        assertThat(net.layers().get(1).settings(ReshapeLayer.Spec.class)).isEqualTo(new ReshapeLayer.Spec(List.of(0, -1, 2), 1, 2));
        assertThat(NetConfigLoader.parse(NetConfigWriter.toJson(net), FILE)).isEqualTo(net);
    }

    @Test
    void badSettingsAreRefusedAtTheirLine() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net("{\"shape\": {\"dim\": [-1, 3, -1]}}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("net.json:3:")
                .hasMessageContaining("dim[2]").hasMessageContaining("at most one -1");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("{\"shape\": {\"dim\": [-2]}}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dim[0]").hasMessageContaining("-2");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("{\"num_axes\": -2}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("num_axes");
    }

    @Test
    void impossibleReshapesAreRefusedNamingTheLayer() {
        assertThatThrownBy(() -> shapes(new ReshapeLayer.Spec(List.of(5, -1), 0, -1), 2, 3, 4))
                .hasMessageContaining("'re'").hasMessageContaining("24 elements do not divide by").hasMessageContaining("5");
        assertThatThrownBy(() -> shapes(new ReshapeLayer.Spec(List.of(5, 5), 0, -1), 2, 3, 4))
                .hasMessageContaining("'re'").hasMessageContaining("25 elements, the bottom 24");
        assertThatThrownBy(() -> shapes(new ReshapeLayer.Spec(List.of(0, 0, 0, 0), 0, -1), 2, 3, 4))
                .hasMessageContaining("dim[3] is 0").hasMessageContaining("no axis 3");
        assertThatThrownBy(() -> shapes(new ReshapeLayer.Spec(List.of(-1), 4, -1), 2, 3, 4))
                .hasMessageContaining("reshape_param.axis 4");
        assertThatThrownBy(() -> shapes(new ReshapeLayer.Spec(List.of(-1), 2, 2), 2, 3, 4))
                .hasMessageContaining("num_axes 2");
        assertThatThrownBy(() -> shapes(new ReshapeLayer.Spec(List.of(0, -1), 0, -1), 0, 3))
                .hasMessageContaining("multiply to 0");
    }

    @Test
    void unknownDimensionsPropagate() {
        assertThat(shapes(new ReshapeLayer.Spec(List.of(0, -1), 0, -1), -1, 3, 4).get(0)).containsExactly(-1, -1);
        assertThat(shapes(new ReshapeLayer.Spec(List.of(-1, 12), 0, -1), -1, 3, 4).get(0)).containsExactly(-1, 12);
        assertThat(shapes(new ReshapeLayer.Spec(List.of(-1), 1, -1), -1, 3, 4).get(0)).containsExactly(-1, -1);
        assertThat(shapes(new ReshapeLayer.Spec(List.of(2, 6), 1, -1), -1, 3, 4).get(0)).containsExactly(-1, 2, 6);
    }

    @Test
    void caffeReshapesImport() throws Exception {
        Path f = tmp.resolve("re.prototxt");
        Files.writeString(f, """
                name: "re"
                layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 6 dim: 2 dim: 2 } } }
                layer { name: "re" type: "Reshape" bottom: "data" top: "re" reshape_param { shape { dim: 0 dim: -1 } } }
                """);
        NetConfig c = CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp).config();
        assertThat(c.layers().get(1).settings(ReshapeLayer.Spec.class)).isEqualTo(new ReshapeLayer.Spec(List.of(0, -1), 0, -1));
    }
}
