package org.graft.ops.crop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.CaffeImporter;
import org.graft.layers.Phase;
import org.graft.net.Net;
import org.graft.net.NetBuilder;
import org.graft.net.config.NetConfig;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link CropCase} cannot say: refused offsets and shapes, unknown dimensions, no gradient to bottom[1], Caffe import. */
class CropLayerTest {
    @TempDir
    Path tmp;

    private static List<int[]> shapes(CropLayer.Spec spec, int[] x, int[] ref) {
        return new CropLayer("crop", spec).shapes(List.of(x, ref)).tops();
    }

    @Test
    void cropsThatDoNotFitAreRefusedNamingTheLayerAndBothShapes() {
        assertThatThrownBy(() -> shapes(new CropLayer.Spec(2, List.of(4)), new int[] {1, 3, 8, 8}, new int[] {1, 3, 5, 5}))
                .hasMessageContaining("'crop'").hasMessageContaining("offset 4 + size 5")
                .hasMessageContaining("[1, 3, 5, 5]").hasMessageContaining("[1, 3, 8, 8]");
        assertThatThrownBy(() -> shapes(new CropLayer.Spec(1, List.of(1, 2)), new int[] {1, 3, 8, 8}, new int[] {1, 3, 5, 5}))
                .hasMessageContaining("'crop'").hasMessageContaining("crop_param.offset has 2 values");
        assertThatThrownBy(() -> shapes(CropLayer.Spec.DEFAULT, new int[] {1, 3, 8, 8}, new int[] {5, 5}))
                .hasMessageContaining("'crop'").hasMessageContaining("same number of axes");
        assertThatThrownBy(() -> shapes(new CropLayer.Spec(4, List.of()), new int[] {1, 3, 8, 8}, new int[] {1, 3, 5, 5}))
                .hasMessageContaining("crop_param.axis 4");
    }

    @Test
    void unknownDimensionsPropagate() {
        assertThat(shapes(CropLayer.Spec.DEFAULT, new int[] {-1, 3, 8, -1}, new int[] {2, 9, -1, 5}).get(0)).containsExactly(-1, 3, -1, 5);
    }

    @Test
    void bottomOneGetsNoGradientEvenWithForceBackward() throws Exception {
        Path f = tmp.resolve("crop.prototxt");
        Files.writeString(f, """
                name: "crop"
                force_backward: true
                layer { name: "data" type: "Input" top: "score" top: "image"
                        input_param { shape { dim: 1 dim: 2 dim: 9 dim: 9 } shape { dim: 1 dim: 3 dim: 6 dim: 5 } } }
                layer { name: "crop" type: "Crop" bottom: "score" bottom: "image" top: "cropped" crop_param { axis: 2 offset: 3 offset: 4 } }
                """);
        NetConfig c = CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp).config();
        assertThat(c.layers().get(1).settings(CropLayer.Spec.class)).isEqualTo(new CropLayer.Spec(2, List.of(3, 4)));
        try (NetBuilder.PhaseNet p = NetBuilder.build(TestEngines.get(), c, Phase.TEST, 1, null, 0)) {
            Net net = p.net();
            assertThat(net.blob("cropped").shape()).containsExactly(1, 2, 6, 5);
            int crop = net.layers().indexOf(net.layer("crop"));
            assertThat(net.propagateDown(crop)).containsExactly(true, false);
        }
        Files.writeString(f, Files.readString(f).replace("top: \"cropped\"", "top: \"cropped\" propagate_down: true propagate_down: true"));
        NetConfig forced = CaffeImporter.importFiles(f, null, tmp.resolve("out2/net.json"), tmp).config();
        assertThatThrownBy(() -> NetBuilder.build(TestEngines.get(), forced, Phase.TEST, 1, null, 0))
                .hasMessageContaining("'crop'").hasMessageContaining("bottom 1 has no gradient");
    }
}
