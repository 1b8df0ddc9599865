package org.graft.ops.absval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.graft.net.config.ConfigException;
import org.graft.net.config.NetConfigLoader;
import org.junit.jupiter.api.Test;

/** What {@link AbsValCase} cannot express: Caffe refuses AbsVal in place, and so does Graft. */
class AbsValLayerTest {
    private static String net(String top) {
        return """
                {"name": "a", "layers": [
                  {"name": "data", "type": "Input", "top": ["data"], "input_param": {"shape": [{"dim": [2, 3]}]}},
                  {"name": "abs", "type": "AbsVal", "bottom": ["data"], "top": ["%s"]}
                ]}
                """.formatted(top);
    }

    @Test
    void inPlaceIsRefusedAtItsLine() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net("data"), Path.of("/n/net.json")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("net.json:3:")
                .hasMessageContaining("AbsVal layer cannot work in place");
        assertThat(NetConfigLoader.parse(net("abs"), Path.of("/n/net.json")).layers().get(1).settings(AbsValLayer.Spec.class))
                .isEqualTo(new AbsValLayer.Spec());
    }
}
