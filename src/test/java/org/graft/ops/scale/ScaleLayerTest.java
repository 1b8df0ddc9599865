package org.graft.ops.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.Phase;
import org.graft.net.NetBuilder;
import org.graft.net.config.ConfigException;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.NetConfigWriter;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

/** Scale's settings (refused at their line when they would have no effect), its blobs and fillers, and refused shapes. */
class ScaleLayerTest {
    private static final Path FILE = Path.of("/nets/scale/net.json");

    private static String net(String bottoms, String scale) {
        return """
                {"name": "scale", "layers": [
                  {"name": "in", "type": "Input", "top": ["data", "s"], "input_param": {"shape": [{"dim": [2, 3, 4, 5]}, {"dim": [3, 4]}]}},
                  {"name": "scale", "type": "Scale", "bottom": [%s], "top": ["data"]%s}
                ]}
                """.formatted(bottoms, scale);
    }

    @Test
    void settingsWithoutEffectAreRefusedAtTheirLine() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"data\"", ", \"scale_param\": {\"bias_filler\": {\"value\": 1}}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("net.json:3:")
                .hasMessageContaining("scale_param.bias_filler").hasMessageContaining("bias_term");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"data\", \"s\"", ", \"scale_param\": {\"filler\": {\"value\": 2}}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("scale_param.filler").hasMessageContaining("bottom[1]");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"data\", \"s\"", ", \"scale_param\": {\"num_axes\": 2}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("scale_param.num_axes");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"data\"", ", \"scale_param\": {\"num_axes\": -2}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("scale_param.num_axes").hasMessageContaining(">= -1");
    }

    @Test
    void blobsAndFillersFollowTheBottomsAndBiasTerm() {
        LayerConfig one = NetConfigLoader.parse(net("\"data\"", ", \"scale_param\": {\"bias_term\": true, \"num_axes\": -1}"), FILE)
                .layers().get(1);
        ScaleLayer.Spec spec = one.settings(ScaleLayer.Spec.class);
        assertThat(one.learnableBlobs()).isEqualTo(2);
        assertThat(spec.filler(0).getType()).isEqualTo("constant");
        assertThat(spec.filler(0).getValue()).isEqualTo(1f);
        assertThat(spec.filler(1)).isEqualTo(Caffe.FillerParameter.getDefaultInstance());
        assertThat(new ScaleLayer("s", spec).shapes(List.of(new int[] {2, 3, 4, 5})).params())
                .containsExactly(new int[] {3, 4, 5}, new int[] {3, 4, 5});
        NetConfig two = NetConfigLoader.parse(net("\"data\", \"s\"", ", \"scale_param\": {\"bias_term\": true, \"axis\": -3}"), FILE);
        assertThat(two.layers().get(1).learnableBlobs()).isEqualTo(1);
        assertThat(NetConfigLoader.parse(NetConfigWriter.toJson(two), FILE)).isEqualTo(two);
        try (NetBuilder.PhaseNet p = NetBuilder.build(TestEngines.get(), two, Phase.TRAIN, 1, null, 0)) {
            assertThat(p.net().layer("scale").params()).hasSize(1);
            assertThat(p.net().blob("data").shape()).containsExactly(2, 3, 4, 5);
        }
    }

    @Test
    void aScaleThatDoesNotMatchTheBottomIsRefusedNamingTheLayer() {
        NetConfig matching = NetConfigLoader.parse(net("\"data\", \"s\"", ""), FILE);  // (3, 4) at axes 1, 2: fine
        assertThat(matching.layers().get(1).learnableBlobs()).isZero();
        ScaleLayer layer = new ScaleLayer("sc", new ScaleLayer.Spec(2, 1, null, false, null, true));
        assertThatThrownBy(() -> layer.shapes(List.of(new int[] {2, 3, 4, 5}, new int[] {3, 4})))
                .hasMessageContaining("'sc'").hasMessageContaining("must match");
        ScaleLayer far = new ScaleLayer("sc", new ScaleLayer.Spec(4, 1, null, false, null, false));
        assertThatThrownBy(() -> far.shapes(List.of(new int[] {2, 3, 4, 5}))).hasMessageContaining("'sc'").hasMessageContaining("axis 4");
        ScaleLayer past = new ScaleLayer("sc", new ScaleLayer.Spec(-1, 2, null, false, null, false));
        assertThatThrownBy(() -> past.shapes(List.of(new int[] {2, 3, 4, 5}))).hasMessageContaining("reach past");
        // Dims not known yet propagate.
        assertThat(new ScaleLayer("sc", ScaleLayer.Spec.DEFAULT).shapes(List.of(new int[] {-1, -1, 4, 5})).params())
                .containsExactly(new int[] {-1});
    }
}
