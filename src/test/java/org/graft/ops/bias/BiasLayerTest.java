package org.graft.ops.bias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.net.config.ConfigException;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.NetConfigLoader;
import org.junit.jupiter.api.Test;

/** Bias's settings (refused at their line when they would have no effect), its blob and filler, and refused shapes. */
class BiasLayerTest {
    private static final Path FILE = Path.of("/nets/bias/net.json");

    private static String net(String bottoms, String bias) {
        return """
                {"name": "bias", "layers": [
                  {"name": "in", "type": "Input", "top": ["data", "b"], "input_param": {"shape": [{"dim": [2, 3, 4, 5]}, {"dim": [5]}]}},
                  {"name": "bias", "type": "Bias", "bottom": [%s], "top": ["data"]%s}
                ]}
                """.formatted(bottoms, bias);
    }

    @Test
    void settingsWithoutEffectAreRefusedAtTheirLine() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"data\", \"b\"", ", \"bias_param\": {\"filler\": {\"value\": 2}}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("net.json:3:")
                .hasMessageContaining("bias_param.filler").hasMessageContaining("bottom[1]");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"data\"", ", \"bias_param\": {\"num_axes\": -3}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bias_param.num_axes");
    }

    @Test
    void oneBottomLearnsABiasOfTheSpannedShape() {
        LayerConfig one = NetConfigLoader.parse(net("\"data\"", ", \"bias_param\": {\"axis\": 0, \"num_axes\": 0, "
                + "\"filler\": {\"type\": \"constant\", \"value\": 0.5}}"), FILE).layers().get(1);
        BiasLayer.Spec spec = one.settings(BiasLayer.Spec.class);
        assertThat(one.learnableBlobs()).isEqualTo(1);
        assertThat(spec.filler(0).getValue()).isEqualTo(0.5f);
        assertThat(new BiasLayer("b", spec).shapes(List.of(new int[] {2, 3, 4, 5})).params()).containsExactly(new int[0]);
        LayerConfig two = NetConfigLoader.parse(net("\"data\", \"b\"", ", \"bias_param\": {\"axis\": -1}"), FILE).layers().get(1);
        assertThat(two.learnableBlobs()).isZero();
        assertThat(BiasLayer.Spec.DEFAULT.filler(0)).isEqualTo(Caffe.FillerParameter.getDefaultInstance());
    }

    @Test
    void aBiasThatDoesNotMatchTheBottomIsRefusedNamingTheLayer() {
        BiasLayer layer = new BiasLayer("bi", new BiasLayer.Spec(1, 1, null, true));
        assertThatThrownBy(() -> layer.shapes(List.of(new int[] {2, 3, 4, 5}, new int[] {5})))
                .hasMessageContaining("'bi'").hasMessageContaining("must match");
        BiasLayer neg = new BiasLayer("bi", new BiasLayer.Spec(-5, 1, null, false));
        assertThatThrownBy(() -> neg.shapes(List.of(new int[] {2, 3, 4, 5}))).hasMessageContaining("'bi'").hasMessageContaining("axis -5");
    }
}
