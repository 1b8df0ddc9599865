package org.graft.ops.batchnorm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeImporter;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.WeightFiles;
import org.graft.engine.Engine;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.layers.Phase;
import org.graft.net.Net;
import org.graft.net.NetBuilder;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.NetConfig;
import org.graft.ops.scale.ScaleLayer;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.solver.Snapshots;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ResNet's pattern imported from a Caffe prototxt: Convolution (no bias) → BatchNorm → Scale (bias_term)
 * → ReLU, the last three in place on the convolution's top as in ResNet-50's prototxt. The in-place net
 * must compute what the same net with separate tops computes, forward and backward, in TRAIN and TEST, and
 * its BatchNorm and Scale blobs must survive a .caffemodel written by Graft (snapshot, then export).
 */
class ResNetBlockTest {
    private final Engine e = TestEngines.get();

    @TempDir
    Path tmp;

    /** {@code inPlace}: ResNet's form; otherwise each layer writes its own top. */
    private static String prototxt(boolean inPlace) {
        String bn = inPlace ? "conv1" : "bn1";
        String sc = inPlace ? "conv1" : "sc1";
        return """
                name: "resnet-block"
                force_backward: true
                layer { name: "data" type: "Input" top: "data" top: "label"
                        input_param { shape { dim: 2 dim: 3 dim: 7 dim: 7 } shape { dim: 2 } } }
                layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
                        convolution_param { num_output: 4 kernel_size: 3 pad: 1 stride: 2 bias_term: false
                                            weight_filler { type: "msra" } } }
                layer { name: "bn_conv1" type: "BatchNorm" bottom: "conv1" top: "%s" }
                layer { name: "scale_conv1" type: "Scale" bottom: "%s" top: "%s" scale_param { bias_term: true } }
                layer { name: "conv1_relu" type: "ReLU" bottom: "%s" top: "%s" }
                layer { name: "fc" type: "InnerProduct" bottom: "%s" top: "fc"
                        inner_product_param { num_output: 3 weight_filler { type: "gaussian" std: 0.1 } } }
                layer { name: "loss" type: "SoftmaxWithLoss" bottom: "fc" bottom: "label" top: "loss" }
                """.formatted(bn, bn, sc, sc, sc, sc);
    }

    private NetConfig importNet(boolean inPlace) throws Exception {
        Path f = tmp.resolve((inPlace ? "inplace" : "separate") + ".prototxt");
        Files.writeString(f, prototxt(inPlace));
        return CaffeImporter.importFiles(f, null, tmp.resolve((inPlace ? "inplace" : "separate") + "/net.json"), tmp).config();
    }

    private static LayerConfig layer(NetConfig c, String name) {
        return c.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theImportedBlockRunsInPlaceAsItDoesWithSeparateTops() throws Exception {
        NetConfig inPlace = importNet(true);
        NetConfig separate = importNet(false);
        assertThat(layer(inPlace, "bn_conv1").settings(BatchNormLayer.Spec.class)).isEqualTo(BatchNormLayer.Spec.DEFAULT);
        assertThat(layer(inPlace, "bn_conv1").learnableBlobs()).isEqualTo(3);
        ScaleLayer.Spec scale = layer(inPlace, "scale_conv1").settings(ScaleLayer.Spec.class);
        assertThat(scale.biasTerm()).isTrue();
        assertThat(layer(inPlace, "scale_conv1").learnableBlobs()).isEqualTo(2);
        assertThat(layer(inPlace, "scale_conv1").top()).containsExactly("conv1");

        Random r = new Random(11);
        float[] x = RandomData.uniform(r, 2 * 3 * 7 * 7, -1, 2);
        float[] labels = {2, 0};
        try (NetBuilder.PhaseNet a = NetBuilder.build(e, inPlace, Phase.TRAIN, 1, null, 0);
             NetBuilder.PhaseNet b = NetBuilder.build(e, separate, Phase.TRAIN, 1, null, 0)) {
            a.net().fill(5);
            b.net().fill(5);
            assertThat(a.net().layer("scale_conv1").params().get(0).blob().download()).as("Scale's default filler").containsOnly(1f);
            // Non-trivial scale and bias, the same in both nets.
            float[] s = RandomData.uniform(r, 4, 0.5f, 2);
            float[] bias = RandomData.uniform(r, 4, -0.5f, 0.5f);
            for (Net n : List.of(a.net(), b.net())) {
                n.layer("scale_conv1").params().get(0).blob().upload(s);
                n.layer("scale_conv1").params().get(1).blob().upload(bias);
            }
            for (int step = 0; step < 2; step++) {
                for (Net n : List.of(a.net(), b.net())) {
                    n.blob("data").upload(x);
                    n.blob("label").upload(labels);
                    n.params().forEach(p -> p.blob().zeroDiff());
                    n.forward(Pass.train(step, 1));
                    n.backward(Pass.train(step, 1));
                }
                assertThat(a.net().loss()).isFinite().isCloseTo(b.net().loss(), org.assertj.core.data.Offset.offset(1e-6));
                Tally.requireClose("data diff", a.net().blob("data").downloadDiff(), b.net().blob("data").downloadDiff(), 1e-7, 1e-5);
                for (String l : List.of("conv1", "bn_conv1", "scale_conv1", "fc")) {
                    List<Param> pa = a.net().layer(l).params();
                    List<Param> pb = b.net().layer(l).params();
                    for (int i = 0; i < pa.size(); i++) {
                        Tally.requireClose(l + " blob " + i, pa.get(i).blob().download(), pb.get(i).blob().download(), 0, 0);
                        Tally.requireClose(l + " diff " + i, pa.get(i).blob().downloadDiff(), pb.get(i).blob().downloadDiff(), 1e-7, 1e-5);
                    }
                }
            }
            assertThat(a.net().layer("bn_conv1").params().get(2).blob().download()).containsExactly(0.999f * 1f + 1f);
            float[] convDiff = a.net().layer("conv1").params().get(0).blob().downloadDiff();
            assertThat(convDiff).as("the gradient reached the convolution through BatchNorm and Scale").isNotEqualTo(new float[convDiff.length]);

            try (NetBuilder.PhaseNet ta = NetBuilder.build(e, inPlace, Phase.TEST, 1, null, 0, false, a.net());
                 NetBuilder.PhaseNet tb = NetBuilder.build(e, separate, Phase.TEST, 1, null, 0, false, b.net())) {
                float[] other = RandomData.uniform(r, x.length, -1, 2);
                for (Net n : List.of(ta.net(), tb.net())) {
                    n.blob("data").upload(other);
                    n.blob("label").upload(labels);
                    n.forward(Pass.test());
                    n.backward(Pass.test());
                }
                assertThat(ta.net().loss()).isFinite().isCloseTo(tb.net().loss(), org.assertj.core.data.Offset.offset(1e-6));
                Tally.requireClose("TEST data diff (stored statistics)", ta.net().blob("data").downloadDiff(),
                        tb.net().blob("data").downloadDiff(), 1e-7, 1e-5);
                assertThat(a.net().layer("bn_conv1").params().get(2).blob().download()).as("TEST leaves the factor").containsExactly(0.999f * 1f + 1f);
            }

            Path model = tmp.resolve("block.caffemodel");
            Snapshots.writeModel(model, a.net());
            Map<String, List<CaffeWeights.WeightBlob>> written = CaffeWeights.byLayer(CaffeFiles.readNet(model));
            assertThat(written.get("bn_conv1")).extracting(CaffeWeights.WeightBlob::shape)
                    .containsExactly(new int[] {4}, new int[] {4}, new int[] {1});
            assertThat(written.get("scale_conv1")).extracting(CaffeWeights.WeightBlob::shape).containsExactly(new int[] {4}, new int[] {4});
            try (NetBuilder.PhaseNet c = NetBuilder.build(e, inPlace, Phase.TRAIN, 2, null, 0)) {
                c.net().fill(9);
                WeightFiles.load(c.net(), model, true);
                for (String l : List.of("conv1", "bn_conv1", "scale_conv1", "fc")) {
                    for (int i = 0; i < a.net().layer(l).params().size(); i++) {
                        assertThat(c.net().layer(l).params().get(i).blob().download()).as(l + " blob " + i)
                                .containsExactly(a.net().layer(l).params().get(i).blob().download());
                    }
                }
            }
            assertThat(WeightFiles.fit(inPlace, model).warnings()).isEmpty();
            // export: the same blobs in a V2 caffemodel for Caffe or OpenCV.
            Path exported = tmp.resolve("exported.caffemodel");
            CaffeFiles.writeNet(exported, WeightFiles.forExport(inPlace, model).net());
            Map<String, List<CaffeWeights.WeightBlob>> back = CaffeWeights.byLayer(CaffeFiles.readNet(exported));
            for (String l : List.of("bn_conv1", "scale_conv1")) {
                assertThat(back.get(l)).hasSameSizeAs(written.get(l));
                for (int i = 0; i < written.get(l).size(); i++) {
                    assertThat(back.get(l).get(i).shape()).as(l + " blob " + i).containsExactly(written.get(l).get(i).shape());
                    assertThat(back.get(l).get(i).data()).as(l + " blob " + i).containsExactly(written.get(l).get(i).data());
                }
            }
        }
    }
}
