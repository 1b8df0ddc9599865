package org.graft.ops.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.net.config.ConfigException;
import org.graft.net.config.NetConfigLoader;
import org.graft.selftest.LayerRig;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

/** What {@link PowerCase} cannot express: Caffe's NaN for a negative base with a non-integer power, refused settings. */
class PowerLayerTest {
    @Test
    void aNegativeBaseWithANonIntegerPowerGivesNaNAsInCaffe() {
        Engine e = TestEngines.get();
        PowerLayer.Spec spec = new PowerLayer.Spec(0.5f, 1f, 0f);
        try (LayerRig rig = LayerRig.of(e, new PowerLayer("sqrt", spec), new int[] {1, 3})) {
            float[] x = {-1f, 4f, 9f};
            rig.bottom(0).upload(x);
            rig.forward(Pass.train(0, 1));
            float[] y = rig.top(0).download();
            assertThat(y[0]).isNaN();
            assertThat(y[1]).isEqualTo(2f);
            assertThat(y[2]).isEqualTo(3f);
            assertThat(PowerReference.forward(x, spec)[0]).isNaN();
            rig.top(0).uploadDiff(new float[] {1f, 1f, 1f});
            rig.backward(new boolean[] {true}, Pass.train(0, 1));
            float[] dx = rig.bottom(0).downloadDiff();
            assertThat(dx[0]).isNaN();
            assertThat(dx[1]).isEqualTo(0.25f);
        }
    }

    @Test
    void aNonFiniteSettingIsRefusedAtItsLine() {
        String json = """
                {"name": "p", "layers": [
                  {"name": "data", "type": "Input", "top": ["data"], "input_param": {"shape": [{"dim": [2, 3]}]}},
                  {"name": "pow", "type": "Power", "bottom": ["data"], "top": ["data"], "power_param": {"power": 2, "scale": 1e39}}
                ]}
                """;
        assertThatThrownBy(() -> NetConfigLoader.parse(json, Path.of("/n/net.json")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("net.json:3:").hasMessageContaining("power_param.scale");
    }
}
