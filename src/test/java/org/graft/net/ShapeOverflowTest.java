package org.graft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.graft.engine.Blob;
import org.graft.engine.Shapes;
import org.graft.layers.Phase;
import org.graft.net.config.NetConfigLoader;
import org.graft.testing.TestEngines;
import org.graft.testing.TinyProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 item 3: products of dimensions never wrap; the refusal names the layer, blob and field. */
class ShapeOverflowTest {
    @TempDir
    Path dir;

    @Test
    void aShapeWhoseCountWrapsToZeroIsRefused() {
        // 65536^4 = 2^64: a long product wraps to exactly 0.
        assertThatThrownBy(() -> Blob.count(new int[] {65536, 65536, 65536, 65536}))
                .hasMessageContaining("18446744073709551616 elements");
        assertThatThrownBy(() -> Shapes.count(new int[] {65536, 32768}, "layer 'x'")).hasMessageContaining("layer 'x'")
                .hasMessageContaining("2147483648 elements");
        assertThat(Shapes.count(new int[] {46340, 46340}, "ok")).isEqualTo(46340 * 46340);
        assertThatThrownBy(() -> Shapes.product(65536, 65536, "fc")).hasMessageContaining("fc");
    }

    @Test
    void anInputShapeOverTheLimitNamesLayerTopAndField() throws Exception {
        Path net = dir.resolve("net.json");
        Files.writeString(net, """
                {"name": "big", "layers": [
                  {"name": "in", "type": "Input", "top": ["data"], "input_param": {"shape": [{"dim": [65536, 65536, 65536, 65536]}]}},
                  {"name": "ip", "type": "InnerProduct", "bottom": ["data"], "top": ["ip"], "inner_product_param": {"num_output": 2}}
                ]}
                """);
        assertThatThrownBy(() -> NetBuilder.build(TestEngines.get(), NetConfigLoader.load(net), Phase.TEST, 0, null, 0))
                .hasMessageContaining("layer 'in' (Input)").hasMessageContaining("top 'data'")
                .hasMessageContaining("input_param.shape").hasMessageContaining("more than the 2147483647");
    }

    @Test
    void aLayerOutputOverTheLimitNamesTheLayer() throws Exception {
        Path net = dir.resolve("net.json");
        Files.writeString(net, """
                {"name": "big", "layers": [
                  {"name": "in", "type": "Input", "top": ["data"], "input_param": {"shape": [{"dim": [65536, 1]}]}},
                  {"name": "ip", "type": "InnerProduct", "bottom": ["data"], "top": ["ip"], "inner_product_param": {"num_output": 65536}}
                ]}
                """);
        assertThatThrownBy(() -> NetBuilder.build(TestEngines.get(), NetConfigLoader.load(net), Phase.TEST, 0, null, 0))
                .hasMessageContaining("layer 'ip'").hasMessageContaining("top 'ip'").hasMessageContaining("4294967296 elements");
    }

    @Test
    void aBatchSizeThatOverflowsTheBatchBufferNamesTheField() throws Exception {
        Path net = TinyProblem.write(dir, ", \"max_iter\": 1", "");
        Files.writeString(net, Files.readString(net).replace("\"batch_size\": 16", "\"batch_size\": 2147483647"));
        assertThatThrownBy(() -> NetBuilder.build(TestEngines.get(), NetConfigLoader.load(net), Phase.TRAIN, 0, null, 0))
                .hasMessageContaining("batch_size 2147483647").hasMessageContaining("more than the 2147483647")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("-784"));
    }
}
