package org.graft.ops.flatten;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.CaffeImporter;
import org.graft.engine.Blob;
import org.graft.layers.Pass;
import org.graft.layers.Phase;
import org.graft.net.Net;
import org.graft.net.NetBuilder;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link FlattenCase} cannot say: refused axes, unknown dimensions, the view in a net (also after a reshape), Caffe import. */
class FlattenLayerTest {
    @TempDir
    Path tmp;

    @Test
    void axesOutsideTheBlobOrOutOfOrderAreRefusedNamingTheLayer() {
        assertThatThrownBy(() -> new FlattenLayer("flat", new FlattenLayer.Spec(2, 1)).shapes(List.<int[]>of(new int[] {2, 3, 4, 5})))
                .hasMessageContaining("'flat'").hasMessageContaining("end_axis 1").hasMessageContaining("before");
        assertThatThrownBy(() -> new FlattenLayer("flat", new FlattenLayer.Spec(1, 4)).shapes(List.<int[]>of(new int[] {2, 3, 4, 5})))
                .hasMessageContaining("'flat'").hasMessageContaining("flatten_param.end_axis 4");
        assertThatThrownBy(() -> new FlattenLayer("flat", new FlattenLayer.Spec(-5, -1)).shapes(List.<int[]>of(new int[] {2, 3, 4, 5})))
                .hasMessageContaining("flatten_param.axis -5");
    }

    @Test
    void unknownDimensionsPropagate() {
        FlattenLayer flat = new FlattenLayer("flat", FlattenLayer.Spec.DEFAULT);
        assertThat(flat.shapes(List.<int[]>of(new int[] {-1, 3, 4, 5})).tops().get(0)).containsExactly(-1, 60);
        assertThat(flat.shapes(List.<int[]>of(new int[] {2, 3, -1, 5})).tops().get(0)).containsExactly(2, -1);
    }

    @Test
    void inANetTheTopIsAViewOfTheBottomAndFollowsItsReshape() throws Exception {
        Path f = tmp.resolve("flat.prototxt");
        Files.writeString(f, """
                name: "flat"
                layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 dim: 2 dim: 2 } } }
                layer { name: "flat" type: "Flatten" bottom: "data" top: "flat" flatten_param { axis: -3 } }
                layer { name: "relu" type: "ReLU" bottom: "flat" top: "flat" }
                """);
        NetConfig c = CaffeImporter.importFiles(f, null, tmp.resolve("out/net.json"), tmp).config();
        assertThat(c.layers().get(1).settings(FlattenLayer.Spec.class)).isEqualTo(new FlattenLayer.Spec(-3, -1));
        assertThat(NetConfigLoader.parse(CaffeImporter.importFiles(f, null, tmp.resolve("out2/net.json"), tmp).json(), tmp.resolve("n.json"))
                .layers()).isEqualTo(c.layers());
        try (NetBuilder.PhaseNet p = NetBuilder.build(TestEngines.get(), c, Phase.TEST, 1, null, 0)) {
            Net net = p.net();
            Blob data = net.blob("data");
            Blob flat = net.blob("flat");
            assertThat(flat.shape()).containsExactly(2, 12);
            assertThat(flat.sharesBuffersWith(data)).isTrue();
            net.reshapeInput("data", 5, 3, 2, 2);
            net.reshape();
            assertThat(flat.shape()).containsExactly(5, 12);
            float[] x = new float[60];
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 7 - 3;
            }
            data.upload(x);
            net.forward(Pass.test());
            float[] expected = x.clone();
            for (int i = 0; i < expected.length; i++) {
                expected[i] = Math.max(0, expected[i]);
            }
            // ReLU writes -0 for negatives (x·0): compare as values, -0 = 0.
            assertThat(flat.download()).usingElementComparator((a, b) -> Float.compare(a + 0f, b + 0f)).containsExactly(expected);
        }
    }
}
