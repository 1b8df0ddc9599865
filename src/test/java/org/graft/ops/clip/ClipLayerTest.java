package org.graft.ops.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.graft.caffe.CaffeImporter;
import org.graft.net.config.ConfigException;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.NetConfigWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link ClipCase} cannot express: min and max are required and ordered; MobileNet v2's ReLU6 imports. */
class ClipLayerTest {
    private static final Path FILE = Path.of("/n/net.json");

    @TempDir
    Path tmp;

    private static String net(String param) {
        return """
                {"name": "c", "layers": [
                  {"name": "data", "type": "Input", "top": ["data"], "input_param": {"shape": [{"dim": [2, 3]}]}},
                  {"name": "clip", "type": "Clip", "bottom": ["data"], "top": ["data"]%s}
                ]}
                """.formatted(param);
    }

    @Test
    void missingBoundsAreRefusedAtTheirLine() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net(""), FILE)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("net.json:3:").hasMessageContaining("clip_param.min").hasMessageContaining("needs both min and max");
        assertThatThrownBy(() -> NetConfigLoader.parse(net(", \"clip_param\": {\"min\": 0}"), FILE)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("clip_param.max").hasMessageContaining("required");
    }

    @Test
    void minAboveMaxIsRefused() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net(", \"clip_param\": {\"min\": 6, \"max\": 0}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("clip_param").hasMessageContaining("min 6.0 > max 0.0");
    }

    @Test
    void reluSixImportsInPlaceAndWritesBothBounds() throws Exception {
        Path f = tmp.resolve("m.prototxt");
        Files.writeString(f, """
                name: "m"
                layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 } } }
                layer { name: "relu6" type: "Clip" bottom: "data" top: "data" clip_param { min: 0 max: 6 } }
                """);
        NetConfig cfg = CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp).config();
        assertThat(cfg.layers().get(1).settings(ClipLayer.Spec.class)).isEqualTo(new ClipLayer.Spec(0f, 6f));
        String json = NetConfigWriter.toJson(cfg);
        assertThat(json).contains("\"clip_param\"").contains("\"min\"").contains("\"max\"");
        assertThat(NetConfigLoader.parse(json, FILE).layers()).isEqualTo(cfg.layers());
    }
}
