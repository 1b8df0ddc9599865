package org.graft.caffe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.graft.caffe.CaffeWeights.LayerBlobs;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.caffe.proto.Caffe.BlobProto;
import org.graft.caffe.proto.Caffe.BlobShape;
import org.graft.caffe.proto.Caffe.LayerParameter;
import org.graft.caffe.proto.Caffe.NetParameter;
import org.graft.caffe.proto.Caffe.V0LayerParameter;
import org.graft.caffe.proto.Caffe.V1LayerParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaffeWeightsTest {
    @TempDir
    Path tmp;

    @Test
    void leNetWeightsHaveCaffesShapesAndValues() {
        Map<String, List<WeightBlob>> w = CaffeWeights.byLayer(CaffeFiles.readNet(CaffeFilesTest.MODEL));
        assertThat(w.keySet()).containsExactly("conv1", "conv2", "ip1", "ip2");
        assertShapes(w.get("conv1"), new int[] {20, 1, 5, 5}, new int[] {20});
        assertShapes(w.get("conv2"), new int[] {50, 20, 5, 5}, new int[] {50});
        assertShapes(w.get("ip1"), new int[] {500, 800}, new int[] {500});
        assertShapes(w.get("ip2"), new int[] {10, 500}, new int[] {10});
        long total = w.values().stream().flatMap(List::stream).mapToLong(WeightBlob::count).sum();
        assertThat(total).isEqualTo(431_080L);

        // Values decoded independently from the protobuf wire format (a few lines of Python, struct.unpack '<f').
        assertThat(Arrays.copyOf(w.get("conv1").get(0).data(), 3)).containsExactly(0.048346702f, 0.182091415f, 0.0290898737f);
        assertThat(w.get("conv1").get(0).data()[499]).isEqualTo(0.121649973f);
        assertThat(Arrays.copyOf(w.get("ip1").get(1).data(), 3)).containsExactly(-0.00703669572f, -0.000514830521f, -0.00362954871f);
        assertThat(w.get("ip2").get(1).data()[9]).isEqualTo(0.00944676995f);
        for (List<WeightBlob> blobs : w.values()) {
            for (WeightBlob b : blobs) {
                assertThat(b.legacyShape()).isFalse();
                for (float v : b.data()) {
                    assertThat(Float.isFinite(v) && Math.abs(v) < 2f).as("trained weight %s", v).isTrue();
                }
            }
        }
    }

    @Test
    void v0BinarySnapshotYieldsItsWeights() {
        // Paper-era snapshot: weights in layers(2).layer(1).blobs(50) with legacy num/channels/height/width.
        float[] convW = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] convB = {0.5f, -0.5f};
        float[] ipW = {1, -1, 2, -2, 3, -3};
        double[] ipB = {0.25, 0.125, 1e-40}; // double_data becomes float (1e-40 is a float subnormal)
        NetParameter v0 = NetParameter.newBuilder().setName("OldNet")
                .addInput("data").addInputDim(1).addInputDim(1).addInputDim(3).addInputDim(3)
                .addLayers(V1LayerParameter.newBuilder().addBottom("data").addTop("conv1")
                        .setLayer(V0LayerParameter.newBuilder().setName("conv1").setType("conv").setNumOutput(2).setKernelsize(2)
                                .addBlobs(legacy(2, 1, 2, 2, convW)).addBlobs(legacy(1, 1, 1, 2, convB))
                                .addBlobsLr(1).addBlobsLr(2)))
                .addLayers(V1LayerParameter.newBuilder().addBottom("conv1").addTop("conv1")
                        .setLayer(V0LayerParameter.newBuilder().setName("relu1").setType("relu")))
                .addLayers(V1LayerParameter.newBuilder().addBottom("conv1").addTop("fc2")
                        .setLayer(V0LayerParameter.newBuilder().setName("fc2").setType("innerproduct").setNumOutput(3)
                                .addBlobs(legacy(1, 1, 3, 2, ipW))
                                .addBlobs(BlobProto.newBuilder().setNum(1).setChannels(1).setHeight(1).setWidth(3)
                                        .addDoubleData(ipB[0]).addDoubleData(ipB[1]).addDoubleData(ipB[2]))))
                .build();
        Path file = tmp.resolve("old_iter_100");
        CaffeFiles.writeNet(file, v0);

        Map<String, List<WeightBlob>> w = CaffeWeights.byLayer(CaffeFiles.readNet(file), file.toString());
        assertThat(w.keySet()).containsExactly("conv1", "fc2");
        WeightBlob cw = w.get("conv1").get(0);
        assertThat(cw.shape()).containsExactly(2, 1, 2, 2);
        assertThat(cw.legacyShape()).isTrue();
        assertThat(cw.data()).containsExactly(convW);
        assertThat(w.get("conv1").get(1).shape()).containsExactly(1, 1, 1, 2);

        // Legacy shapes are aligned from the end: 1x1x3x2 is the (3, 2) weight, 1x1x1x3 the (3) bias.
        WeightBlob fcW = CaffeWeights.conform(w.get("fc2").get(0), new int[] {3, 2}, "fc2", 0);
        assertThat(fcW.shape()).containsExactly(3, 2);
        assertThat(fcW.legacyShape()).isFalse();
        assertThat(fcW.data()).containsExactly(ipW);
        WeightBlob fcB = CaffeWeights.conform(w.get("fc2").get(1), new int[] {3}, "fc2", 1);
        assertThat(fcB.shape()).containsExactly(3);
        assertThat(fcB.data()).containsExactly(0.25f, 0.125f, (float) 1e-40);
        assertThat(CaffeWeights.conform(cw, new int[] {2, 1, 2, 2}, "conv1", 0).shape()).containsExactly(2, 1, 2, 2);
        assertThat(CaffeWeights.conform(w.get("conv1").get(1), new int[] {2}, "conv1", 1).data()).containsExactly(convB);

        // The layer around the blobs was upgraded as well.
        LayerParameter conv1 = CaffeFiles.readNet(file).getLayer(1);
        assertThat(conv1.getName()).isEqualTo("conv1");
        assertThat(conv1.getParam(1).getLrMult()).isEqualTo(2f);
    }

    @Test
    void shapeEqualsFollowsCaffe() {
        WeightBlob legacy = new WeightBlob(new int[] {1, 1, 500, 800}, new float[0], true);
        assertThat(CaffeWeights.shapeEquals(legacy, new int[] {500, 800})).isTrue();
        assertThat(CaffeWeights.shapeEquals(legacy, new int[] {1, 500, 800})).isTrue();
        assertThat(CaffeWeights.shapeEquals(legacy, new int[] {1, 1, 500, 800})).isTrue();
        assertThat(CaffeWeights.shapeEquals(legacy, new int[] {800, 500})).isFalse();
        assertThat(CaffeWeights.shapeEquals(legacy, new int[] {1, 1, 1, 500, 800})).isFalse(); // legacy means at most 4-D
        WeightBlob current = new WeightBlob(new int[] {500, 800}, new float[0], false);
        assertThat(CaffeWeights.shapeEquals(current, new int[] {500, 800})).isTrue();
        assertThat(CaffeWeights.shapeEquals(current, new int[] {1, 1, 500, 800})).isFalse(); // current shapes match exactly

        assertThatThrownBy(() -> CaffeWeights.conform(legacy, new int[] {800, 500}, "fc6", 0))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("blob 0 of layer 'fc6'")
                .hasMessageContaining("[1,1,500,800] (legacy 4-D)")
                .hasMessageContaining("[800,500]")
                .hasMessageContaining("rename the layer");
    }

    @Test
    void dataLengthMismatchNamesLayerAndBlob() {
        NetParameter net = NetParameter.newBuilder()
                .addLayer(LayerParameter.newBuilder().setName("ip1").setType("InnerProduct")
                        .addBlobs(CaffeWeights.encode(new int[] {2, 2}, new float[] {1, 2, 3, 4}))
                        .addBlobs(BlobProto.newBuilder().setShape(BlobShape.newBuilder().addDim(3)).addData(1).addData(2)))
                .build();
        assertThatThrownBy(() -> CaffeWeights.byLayer(net, "model.caffemodel"))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("model.caffemodel: layer 'ip1' blob 1")
                .hasMessageContaining("[3] needs 3 values, found 2");
    }

    @Test
    void buildsAV2NetFromWeightsAndReadsItBack() {
        List<LayerBlobs> layers = List.of(
                new LayerBlobs("conv1", "Convolution", List.of(
                        new WeightBlob(new int[] {2, 1, 1, 1}, new float[] {0.5f, -0.25f}, false),
                        new WeightBlob(new int[] {2}, new float[] {1e-30f, Float.MAX_VALUE}, false))),
                new LayerBlobs("ip", "InnerProduct", List.of(
                        new WeightBlob(new int[] {1, 3}, new float[] {-0f, 3, 4}, false))));
        NetParameter net = CaffeWeights.toNet("Snapshot", layers);
        assertThat(net.getLayer(0).getBlobs(0).getShape().getDimList()).containsExactly(2L, 1L, 1L, 1L);
        assertThat(net.getLayer(0).getBlobs(0).hasNum()).isFalse();
        Path file = tmp.resolve("snap.caffemodel");
        CaffeFiles.writeNet(file, net);

        List<LayerBlobs> back = CaffeWeights.layers(CaffeFiles.readNet(file), file.toString());
        assertThat(back).hasSize(2);
        for (int i = 0; i < layers.size(); i++) {
            assertThat(back.get(i).layerName()).isEqualTo(layers.get(i).layerName());
            assertThat(back.get(i).layerType()).isEqualTo(layers.get(i).layerType());
            for (int j = 0; j < layers.get(i).blobs().size(); j++) {
                WeightBlob want = layers.get(i).blobs().get(j);
                WeightBlob got = back.get(i).blobs().get(j);
                assertThat(got.shape()).containsExactly(want.shape());
                // Bit-exact, including -0.
                assertThat(bits(got.data())).containsExactly(bits(want.data()));
            }
        }
    }

    private static BlobProto legacy(int n, int c, int h, int w, float[] data) {
        BlobProto.Builder b = BlobProto.newBuilder().setNum(n).setChannels(c).setHeight(h).setWidth(w);
        for (float v : data) {
            b.addData(v);
        }
        return b.build();
    }

    private static void assertShapes(List<WeightBlob> blobs, int[] weight, int[] bias) {
        assertThat(blobs).hasSize(2);
        assertThat(blobs.get(0).shape()).containsExactly(weight);
        assertThat(blobs.get(1).shape()).containsExactly(bias);
    }

    private static int[] bits(float[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Float.floatToRawIntBits(v[i]);
        }
        return r;
    }
}
