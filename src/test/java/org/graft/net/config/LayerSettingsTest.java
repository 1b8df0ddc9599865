package org.graft.net.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.LayerSettings;
import org.graft.layers.SettingChecks;
import org.graft.ops.elu.ELULayer;
import org.junit.jupiter.api.Test;

/**
 * The contract of layer types whose settings bind themselves ({@link LayerSettings}): caffe.proto's
 * defaults bind, writing and binding again gives the same settings, and a net.json's value reaches the
 * layer, is written back and is refused at its line when wrong.
 */
class LayerSettingsTest {
    private static final Path FILE = Path.of("/nets/zoo/net.json");

    @Test
    void everySelfBindingTypeRoundTripsItsDefaults() {
        long types = Arrays.stream(LayerType.values()).filter(LayerType::bindsSettings).count();
        assertThat(types).isPositive();
        for (LayerType t : LayerType.values()) {
            if (!t.bindsSettings()) {
                continue;
            }
            LayerSettings defaults;
            try {
                defaults = t.bind(Caffe.LayerParameter.getDefaultInstance(), SettingChecks.plain("x"), "");
            } catch (IllegalArgumentException e) {
                // A type with required settings (Clip's min and max) has no defaults; it must say what is missing.
                assertThat(e).as(t.jsonName()).hasMessageContaining("required");
                continue;
            }
            Caffe.LayerParameter.Builder written = Caffe.LayerParameter.newBuilder();
            defaults.writeTo(written);
            assertThat(t.bind(written.build(), SettingChecks.plain("x"), "")).as(t.jsonName()).isEqualTo(defaults);
            for (String key : t.params()) {
                assertThat(Caffe.LayerParameter.getDescriptor().findFieldByName(key)).as(t.jsonName() + " " + key).isNotNull();
            }
        }
    }

    private static String net(String elu) {
        return """
                {"name": "zoo", "layers": [
                  {"name": "data", "type": "Input", "top": ["data"], "input_param": {"shape": [{"dim": [1, 3, 4, 4]}]}},
                  {"name": "elu", "type": "ELU", "bottom": ["data"], "top": ["data"]%s}
                ]}
                """.formatted(elu);
    }

    @Test
    void aNetJsonSettingReachesTheLayerAndIsWrittenBack() {
        NetConfig net = NetConfigLoader.parse(net(", \"elu_param\": {\"alpha\": 0.25}"), FILE);
        LayerConfig elu = net.layers().get(1);
        assertThat(elu.settings(ELULayer.Spec.class)).isEqualTo(new ELULayer.Spec(0.25f));
        assertThat(((ELULayer) elu.type().create(elu)).settings().alpha()).isEqualTo(0.25f);
        String json = NetConfigWriter.toJson(net);
        assertThat(json).contains("\"elu_param\"").contains("0.25");
        assertThat(NetConfigLoader.parse(json, FILE)).isEqualTo(net);
    }

    @Test
    void defaultsAreNotWrittenOut() {
        NetConfig net = NetConfigLoader.parse(net(""), FILE);
        assertThat(net.layers().get(1).settings(ELULayer.Spec.class)).isEqualTo(ELULayer.Spec.DEFAULT);
        assertThat(NetConfigWriter.toJson(net)).doesNotContain("elu_param");
    }

    @Test
    void aSettingOfAnotherTypeIsRefusedAtItsLine() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net(", \"relu_param\": {\"negative_slope\": 0.1}"), FILE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("net.json:3:")
                .hasMessageContaining("relu_param")
                .hasMessageContaining("takes elu_param");
    }
}
