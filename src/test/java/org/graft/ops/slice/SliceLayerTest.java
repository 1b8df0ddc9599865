package org.graft.ops.slice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.CaffeImporter;
import org.graft.net.config.ConfigException;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.NetConfigWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link SliceCase} cannot say: refused settings and shapes, unknown dimensions, Caffe import. */
class SliceLayerTest {
    private static final Path FILE = Path.of("/nets/zoo/net.json");

    @TempDir
    Path tmp;

    private static String net(String tops, String sliceParam) {
        return """
                {"name": "zoo", "layers": [
                  {"name": "data", "type": "Input", "top": ["a"], "input_param": {"shape": [{"dim": [1, 6, 4, 4]}]}},
                  {"name": "cut", "type": "Slice", "bottom": ["a"], "top": [%s]%s}
                ]}
                """.formatted(tops, sliceParam);
    }

    @Test
    void slicePointsReachTheLayerAndAreWrittenBack() {
        NetConfig net = NetConfigLoader.parse(net("\"x\", \"y\", \"z\"", ", \"slice_param\": {\"axis\": -3, \"slice_point\": [1, 4]}"), FILE);
        assertThat(net.layers().get(1).settings(SliceLayer.Spec.class)).isEqualTo(new SliceLayer.Spec(-3, List.of(1, 4)));
        String json = NetConfigWriter.toJson(net);
        assertThat(NetConfigLoader.parse(json, FILE)).isEqualTo(net);
    }

    @Test
    void badSlicePointsAreRefusedAtTheirLine() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"x\", \"y\", \"z\"", ", \"slice_param\": {\"slice_point\": [3, 3]}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("net.json:3:")
                .hasMessageContaining("slice_point[1]").hasMessageContaining("increase strictly");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"x\", \"y\", \"z\"", ", \"slice_param\": {\"slice_point\": [0, 3]}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("slice_point[0]");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"x\", \"y\"", ", \"slice_param\": {\"slice_point\": [1, 3]}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("one slice point fewer than the 2 tops");
        assertThatThrownBy(() -> NetConfigLoader.parse(net("\"x\", \"y\"", ", \"slice_param\": {\"axis\": 1, \"slice_dim\": 1}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("axis or slice_dim");
    }

    @Test
    void shapesThatCannotBeCutAreRefusedNamingTheLayer() {
        assertThatThrownBy(() -> new SliceLayer("cut", new SliceLayer.Spec(1, List.of()), 4).shapes(List.<int[]>of(new int[] {2, 6, 3})))
                .hasMessageContaining("'cut'").hasMessageContaining("6").hasMessageContaining("4 equal parts");
        assertThatThrownBy(() -> new SliceLayer("cut", new SliceLayer.Spec(1, List.of(2, 6)), 3).shapes(List.<int[]>of(new int[] {2, 6, 3})))
                .hasMessageContaining("'cut'").hasMessageContaining("slice_point 6").hasMessageContaining("inside");
        assertThatThrownBy(() -> new SliceLayer("cut", new SliceLayer.Spec(3, List.of()), 2).shapes(List.<int[]>of(new int[] {2, 6, 3})))
                .hasMessageContaining("'cut'").hasMessageContaining("axis 3");
    }

    @Test
    void unknownDimensionsPropagate() {
        List<int[]> tops = new SliceLayer("cut", new SliceLayer.Spec(0, List.of(2, 3)), 3).shapes(List.<int[]>of(new int[] {-1, 5})).tops();
        assertThat(tops.get(0)).containsExactly(2, 5);
        assertThat(tops.get(1)).containsExactly(1, 5);
        assertThat(tops.get(2)).containsExactly(-1, 5);
        assertThat(new SliceLayer("cut", new SliceLayer.Spec(0, List.of()), 2).shapes(List.<int[]>of(new int[] {-1, 5})).tops().get(1))
                .containsExactly(-1, 5);
    }

    @Test
    void caffeSlicesImport() throws Exception {
        Path f = tmp.resolve("slice.prototxt");
        Files.writeString(f, """
                name: "cut"
                layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 6 dim: 2 dim: 2 } } }
                layer { name: "cut" type: "Slice" bottom: "data" top: "a" top: "b" slice_param { axis: 1 slice_point: 2 } }
                """);
        NetConfig c = CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp).config();
        LayerConfig cut = c.layers().get(1);
        assertThat(cut.settings(SliceLayer.Spec.class)).isEqualTo(new SliceLayer.Spec(1, List.of(2)));
        Path v1 = tmp.resolve("v1.prototxt");
        Files.writeString(v1, """
                name: "v1"
                input: "a" input_dim: 1 input_dim: 2 input_dim: 4 input_dim: 3
                layers { name: "cut" type: SLICE bottom: "a" top: "b" top: "c" slice_param { slice_dim: 2 } }
                """);
        NetConfig c1 = CaffeImporter.importFiles(v1, null, tmp.resolve("out1/net.json"), tmp).config();
        assertThat(c1.layers().stream().filter(l -> l.name().equals("cut")).findFirst().orElseThrow().settings(SliceLayer.Spec.class))
                .isEqualTo(new SliceLayer.Spec(2, List.of()));
    }
}
