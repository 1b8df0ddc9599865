package org.graft.net.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.LayerSettings;
import org.graft.layers.SettingChecks;
import org.graft.ops.accuracy.AccuracyLayer;
import org.graft.ops.elu.ELULayer;
import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.ops.pooling.PoolingLayer;
import org.graft.ops.softmax.SoftmaxLayer;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer;
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
                // A type with required settings (Convolution's and InnerProduct's num_output, Pooling's kernel, Clip's
                // min and max) has no defaults; it must say what is missing.
                assertThat(e).as(t.jsonName()).hasMessageContaining("required");
                continue;
            }
            assertThat(roundTrip(t, defaults)).as(t.jsonName()).isEqualTo(defaults);
            for (String key : t.params()) {
                assertThat(Caffe.LayerParameter.getDescriptor().findFieldByName(key)).as(t.jsonName() + " " + key).isNotNull();
            }
        }
    }

    private static LayerSettings roundTrip(LayerType t, LayerSettings settings) {
        Caffe.LayerParameter.Builder written = Caffe.LayerParameter.newBuilder();
        settings.writeTo(written);
        return t.bind(written.build(), SettingChecks.plain("x"), "");
    }

    @Test
    void settingsMovedOutOfNetBinderRoundTrip() {
        Caffe.FillerParameter gauss = Caffe.FillerParameter.newBuilder().setType("gaussian").setStd(0.01f).build();
        Map<LayerSettings, LayerType> all = Map.ofEntries(
                Map.entry(new SoftmaxLayer.Spec(-1), LayerType.SOFTMAX), Map.entry(new SoftmaxLayer.Spec(0), LayerType.SOFTMAX),
                Map.entry(new SoftmaxWithLossLayer.Spec(2, 255, Caffe.LossParameter.NormalizationMode.FULL), LayerType.SOFTMAX_WITH_LOSS),
                Map.entry(new SoftmaxWithLossLayer.Spec(-1, null, Caffe.LossParameter.NormalizationMode.NONE), LayerType.SOFTMAX_WITH_LOSS),
                Map.entry(new AccuracyLayer.Spec(5, -1, 0), LayerType.ACCURACY), Map.entry(new AccuracyLayer.Spec(1, 3, null), LayerType.ACCURACY),
                Map.entry(new InnerProductLayer.Spec(7), LayerType.INNER_PRODUCT),
                Map.entry(new InnerProductLayer.Spec(3, false, true, -2, gauss, null), LayerType.INNER_PRODUCT),
                Map.entry(new InnerProductLayer.Spec(1, true, false, 0, null, gauss), LayerType.INNER_PRODUCT),
                Map.entry(PoolingLayer.Spec.global(Caffe.PoolingParameter.PoolMethod.AVE), LayerType.POOLING),
                Map.entry(PoolingLayer.Spec.global(Caffe.PoolingParameter.PoolMethod.MAX), LayerType.POOLING),
                Map.entry(PoolingLayer.Spec.max(3, 2, 1), LayerType.POOLING),
                Map.entry(new PoolingLayer.Spec(Caffe.PoolingParameter.PoolMethod.AVE, 3, 5, 1, 2, 0, 2, false,
                        Caffe.PoolingParameter.RoundMode.FLOOR), LayerType.POOLING));
        all.forEach((settings, type) -> assertThat(roundTrip(type, settings)).as(settings.toString()).isEqualTo(settings));
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
