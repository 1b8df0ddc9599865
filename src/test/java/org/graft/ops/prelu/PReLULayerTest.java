package org.graft.ops.prelu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.graft.caffe.CaffeImporter;
import org.graft.caffe.WeightFiles;
import org.graft.solver.Snapshots;
import org.graft.layers.Phase;
import org.graft.net.NetBuilder;
import org.graft.net.config.ConfigException;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link PReLUCase} cannot express: Caffe's default filler, import, refused settings and shapes. */
class PReLULayerTest {
    @TempDir
    Path tmp;

    @Test
    void importedSlopesAreFilledAsCaffeFillsThem() throws Exception {
        String prototxt = """
                name: "p"
                layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 dim: 2 dim: 2 } } }
                layer { name: "p1" type: "PReLU" bottom: "data" top: "data" }
                layer { name: "p2" type: "PReLU" bottom: "data" top: "out"
                        prelu_param { channel_shared: true filler { type: "constant" value: 0.1 } } }
                """;
        Path f = tmp.resolve("p.prototxt");
        Files.writeString(f, prototxt);
        NetConfig cfg = CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp).config();
        assertThat(cfg.layers().get(1).settings(PReLULayer.Spec.class)).isEqualTo(PReLULayer.Spec.DEFAULT);
        assertThat(cfg.layers().get(2).settings(PReLULayer.Spec.class).channelShared()).isTrue();
        try (NetBuilder.PhaseNet p = NetBuilder.build(TestEngines.get(), cfg, Phase.TRAIN, 1, null, 0)) {
            p.net().fill(1);
            assertThat(p.net().layer("p1").params().get(0).blob().download()).containsExactly(0.25f, 0.25f, 0.25f);
            assertThat(p.net().layer("p2").params().get(0).blob().shape()).isEmpty();
            assertThat(p.net().layer("p2").params().get(0).blob().download()).containsExactly(0.1f);
            // The slopes (per channel, and the shared one of no axes) go to a caffemodel and come back.
            p.net().layer("p1").params().get(0).blob().upload(new float[] {0.5f, -0.25f, 2f});
            p.net().layer("p2").params().get(0).blob().upload(new float[] {0.75f});
            Path model = tmp.resolve("p.caffemodel");
            Snapshots.writeModel(model, p.net());
            assertThat(WeightFiles.fit(cfg, model).matched().missing()).isEmpty();
            try (NetBuilder.PhaseNet q = NetBuilder.build(TestEngines.get(), cfg, Phase.TEST, 1, null, 0)) {
                assertThat(WeightFiles.load(q.net(), model, true)).containsExactlyInAnyOrder("p1", "p2");
                assertThat(q.net().layer("p1").params().get(0).blob().download()).containsExactly(0.5f, -0.25f, 2f);
                assertThat(q.net().layer("p2").params().get(0).blob().download()).containsExactly(0.75f);
            }
        }
    }

    private static String net(String dims, String param) {
        return """
                {"name": "p", "layers": [
                  {"name": "data", "type": "Input", "top": ["data"], "input_param": {"shape": [{"dim": [%s]}]}},
                  {"name": "prelu", "type": "PReLU", "bottom": ["data"], "top": ["data"]%s}
                ]}
                """.formatted(dims, param);
    }

    @Test
    void aBadFillerIsRefusedAtItsLine() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net("2, 3", ", \"prelu_param\": {\"filler\": {\"type\": \"uniform\", \"min\": 1, \"max\": 0}}"),
                Path.of("/n/net.json")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("net.json:3:").hasMessageContaining("prelu_param.filler");
    }

    @Test
    void aBottomWithoutChannelsIsRefused() {
        NetConfig cfg = NetConfigLoader.parse(net("6", ""), Path.of("/n/net.json"));
        assertThatThrownBy(() -> NetBuilder.build(TestEngines.get(), cfg, Phase.TEST, 0, null, 0))
                .hasMessageContaining("'prelu'").hasMessageContaining("at least 2 axes").hasMessageContaining("[6]");
    }
}
