package org.graft.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.graft.data.Npy;
import org.graft.net.config.NetConfig;
import org.graft.onnx.proto.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each place where Caffe and ONNX differ, on small nets with awkward shapes: the exported model run by ONNX
 * Runtime against Graft's forward pass (seeded random weights and inputs), plus the node pattern the mapping
 * promises and the refusals.
 */
class OnnxMappingTest {
    @TempDir
    Path tmp;

    private static String input(int... shape) {
        StringBuilder sb = new StringBuilder("name: \"t\"\nlayer { name: \"data\" type: \"Input\" top: \"data\" input_param { shape {");
        for (int d : shape) {
            sb.append(" dim: ").append(d);
        }
        return sb.append(" } } }\n").toString();
    }

    private OnnxRoundTrip.Run run(String name, String net, int... shape) {
        NetConfig cfg = OnnxRoundTrip.prototxt(tmp, name, net);
        int[] chw = {shape[1], shape[2], shape[3]};
        Path w = OnnxRoundTrip.randomWeights(cfg, chw, 7, tmp.resolve(name + ".caffemodel"));
        return OnnxRoundTrip.run(cfg, w, OnnxRoundTrip.randomInput(11, shape), OnnxExporter.Options.defaults()).assertClose(name);
    }

    private static List<String> ops(OnnxRoundTrip.Run r) {
        return r.export().model().getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    private static String pool(String name, String settings) {
        return "layer { name: \"" + name + "\" type: \"Pooling\" bottom: \"data\" top: \"" + name + "\" pooling_param { " + settings + " } }\n";
    }

    /**
     * Caffe's ceil rounding with the last window clipped, windows running past the padded image (AVE's divisor),
     * floor rounding, rectangular and global pooling, on 13×11 and 6×5 images: every output shape and value matches.
     */
    @Test
    void poolingMatchesCaffesRoundingClippingAndAverageDivisor() {
        String net = input(2, 3, 13, 11)
                + pool("max_k3s2p1", "pool: MAX kernel_size: 3 stride: 2 pad: 1")
                + pool("ave_k3s2p1", "pool: AVE kernel_size: 3 stride: 2 pad: 1")
                + pool("ave_k2s3", "pool: AVE kernel_size: 2 stride: 3")
                + pool("max_k2s3", "pool: MAX kernel_size: 2 stride: 3")
                + pool("ave_k4s3p2", "pool: AVE kernel_size: 4 stride: 3 pad: 2")
                + pool("ave_rect", "pool: AVE kernel_h: 3 kernel_w: 2 stride_h: 2 stride_w: 3 pad_h: 1 pad_w: 0")
                + pool("max_floor", "pool: MAX kernel_size: 3 stride: 2 pad: 1 round_mode: FLOOR")
                + pool("ave_floor", "pool: AVE kernel_size: 4 stride: 3 pad: 1 round_mode: FLOOR")
                + pool("global_ave", "pool: AVE global_pooling: true")
                + pool("global_max", "pool: MAX global_pooling: true");
        OnnxRoundTrip.Run r = run("pooling", net, 2, 3, 13, 11);
        assertThat(r.comparisons()).hasSize(10);
        // ceil_mode is never used; padded AVE is a depthwise Conv, with a Mul where Caffe's divisor is not the kernel area.
        assertThat(r.export().model().getGraph().getNodeList()).allSatisfy(n ->
                assertThat(n.getAttributeList()).noneMatch(a -> a.getName().equals("ceil_mode")));
        assertThat(ops(r)).contains("GlobalAveragePool", "GlobalMaxPool", "Conv", "Mul").doesNotContain("Pad");
        // 13 rows, kernel 3, stride 2, pad 1: Caffe gives ceil(12/2)+1 = 7 rows; 11 columns: 6.
        assertThat(r.comparisons().get(0).shape()).containsExactly(2, 3, 7, 6);
    }

    @Test
    void lrnAcrossChannelsIsOnnxLrnAndWithinChannelIsDecomposedExactly() {
        String net = input(2, 7, 6, 5)
                + "layer { name: \"across\" type: \"LRN\" bottom: \"data\" top: \"across\" lrn_param { local_size: 5 alpha: 0.7 beta: 0.75 k: 2 } }\n"
                + "layer { name: \"across3\" type: \"LRN\" bottom: \"data\" top: \"across3\" lrn_param { local_size: 3 alpha: 2 beta: 0.6 } }\n"
                + "layer { name: \"within\" type: \"LRN\" bottom: \"data\" top: \"within\" lrn_param { local_size: 3 alpha: 3 beta: 0.75 norm_region: WITHIN_CHANNEL } }\n"
                + "layer { name: \"within5\" type: \"LRN\" bottom: \"data\" top: \"within5\" lrn_param { local_size: 5 alpha: 5 beta: 0.5 k: 7 norm_region: WITHIN_CHANNEL } }\n";
        OnnxRoundTrip.Run r = run("lrn", net, 2, 7, 6, 5);
        assertThat(r.comparisons()).hasSize(4);
        assertThat(ops(r)).containsSubsequence("LRN", "LRN", "Mul", "Conv", "Mul", "Add", "Pow", "Mul");
        // Strong normalisation: the outputs differ visibly from the inputs, so a wrong alpha convention would show.
        assertThat(r.comparisons()).allSatisfy(c -> assertThat(c.maxAbs()).isLessThan(0.9));
    }

    @Test
    void groupedDilatedStridedConvolutionsAndDeconvolutionsWithAndWithoutBias() {
        String net = input(1, 4, 11, 9)
                + "layer { name: \"gd\" type: \"Convolution\" bottom: \"data\" top: \"gd\" convolution_param { num_output: 6 group: 2"
                + " kernel_h: 3 kernel_w: 2 stride_h: 2 stride_w: 1 pad_h: 2 pad_w: 1 dilation: 2 } }\n"
                + "layer { name: \"dw\" type: \"Convolution\" bottom: \"data\" top: \"dw\" convolution_param { num_output: 4 group: 4"
                + " kernel_size: 3 pad: 1 bias_term: false } }\n"
                + "layer { name: \"c1\" type: \"Convolution\" bottom: \"dw\" top: \"c1\" convolution_param { num_output: 3 kernel_size: 1 stride: 3 } }\n";
        OnnxRoundTrip.Run r = run("conv", net, 1, 4, 11, 9);
        assertThat(r.comparisons()).extracting(OnnxRoundTrip.Comparison::output).containsExactly("gd", "c1");
        OnnxRoundTrip.Run d = run("deconv", input(2, 4, 5, 4)
                + "layer { name: \"up\" type: \"Deconvolution\" bottom: \"data\" top: \"up\" convolution_param { num_output: 6 group: 2"
                + " kernel_h: 4 kernel_w: 3 stride_h: 2 stride_w: 3 pad_h: 1 pad_w: 0 dilation: 2 } }\n"
                + "layer { name: \"up2\" type: \"Deconvolution\" bottom: \"data\" top: \"up2\" convolution_param { num_output: 3"
                + " kernel_size: 2 stride: 2 bias_term: false } }\n", 2, 4, 5, 4);
        assertThat(ops(d)).containsExactly("ConvTranspose", "ConvTranspose");
        assertThat(d.comparisons().get(1).shape()).containsExactly(2, 3, 10, 8);
        assertThat(r.export().model().getGraph().getNode(0).getAttributeList()).anySatisfy(a -> {
            assertThat(a.getName()).isEqualTo("group");
            assertThat(a.getI()).isEqualTo(2);
        });
    }

    /** InnerProduct flattens from its axis: axis 1 (Flatten + Gemm), axis 2 and -1 (reshaped back), transpose, no bias. */
    @Test
    void innerProductFlattensFromItsAxis() {
        String net = input(3, 2, 4, 5)
                + "layer { name: \"ip1\" type: \"InnerProduct\" bottom: \"data\" top: \"ip1\" inner_product_param { num_output: 7 } }\n"
                + "layer { name: \"ip2\" type: \"InnerProduct\" bottom: \"data\" top: \"ip2\" inner_product_param { num_output: 6 axis: 2 } }\n"
                + "layer { name: \"ip3\" type: \"InnerProduct\" bottom: \"data\" top: \"ip3\" inner_product_param { num_output: 3 axis: -1 transpose: true bias_term: false } }\n";
        OnnxRoundTrip.Run r = run("ip", net, 3, 2, 4, 5);
        assertThat(r.comparisons()).extracting(c -> c.shape().length).containsExactly(2, 3, 4);
        assertThat(r.comparisons().get(2).shape()).containsExactly(3, 2, 4, 3);
        assertThat(ops(r)).containsExactly("Flatten", "Gemm", "Flatten", "Gemm", "Reshape", "Flatten", "Gemm", "Reshape");
    }

    /**
     * ReLU with and without negative_slope (Relu, LeakyRelu), Sigmoid, TanH, ELU, Dropout (gone at inference),
     * Split, Softmax over axis 2 and -1; in-place layers rename nothing the caller sees: the outputs carry the blob names.
     */
    @Test
    void activationsDropoutSplitAndSoftmaxAxes() {
        String net = input(2, 3, 4, 5)
                + "layer { name: \"leaky\" type: \"ReLU\" bottom: \"data\" top: \"a\" relu_param { negative_slope: 0.1 } }\n"
                + "layer { name: \"drop\" type: \"Dropout\" bottom: \"a\" top: \"a\" dropout_param { dropout_ratio: 0.3 } }\n"
                + "layer { name: \"split\" type: \"Split\" bottom: \"a\" top: \"a1\" top: \"a2\" }\n"
                + "layer { name: \"sig\" type: \"Sigmoid\" bottom: \"a1\" top: \"s\" }\n"
                + "layer { name: \"tanh\" type: \"TanH\" bottom: \"a2\" top: \"t\" }\n"
                + "layer { name: \"elu\" type: \"ELU\" bottom: \"t\" top: \"t\" elu_param { alpha: 0.5 } }\n"
                + "layer { name: \"relu\" type: \"ReLU\" bottom: \"s\" top: \"s\" }\n"
                + "layer { name: \"sm2\" type: \"Softmax\" bottom: \"t\" top: \"sm2\" softmax_param { axis: 2 } }\n"
                + "layer { name: \"smlast\" type: \"Softmax\" bottom: \"data\" top: \"smlast\" softmax_param { axis: -1 } }\n";
        OnnxRoundTrip.Run r = run("activations", net, 2, 3, 4, 5);
        assertThat(ops(r)).containsExactly("LeakyRelu", "Sigmoid", "Tanh", "Elu", "Relu", "Softmax", "Softmax");
        assertThat(r.comparisons()).extracting(OnnxRoundTrip.Comparison::output).containsExactly("s", "sm2", "smlast");
        assertThat(r.export().outputs().get(0).graftName()).isEqualTo("relu");
        assertThat(r.export().model().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Softmax"))
                .map(n -> n.getAttribute(0).getI())).containsExactly(2L, 3L);
    }

    /** An Input top nothing reads (labels of a deploy-style net) is not an input of the model, which would have to be fed. */
    @Test
    void unreadInputsAreLeftOut() {
        OnnxRoundTrip.Run r = run("labels", "name: \"t\"\nlayer { name: \"data\" type: \"Input\" top: \"data\" top: \"label\""
                + " input_param { shape { dim: 2 dim: 3 dim: 4 dim: 5 } shape { dim: 2 } } }\n"
                + "layer { name: \"sig\" type: \"Sigmoid\" bottom: \"data\" top: \"sig\" }\n", 2, 3, 4, 5);
        assertThat(r.export().inputs()).containsExactly("data");
        assertThat(r.export().model().getGraph().getInputList()).extracting(v -> v.getName()).containsExactly("data");
        assertThat(r.export().notes()).anyMatch(n -> n.contains("Input 'label' is read by no exported layer"));
    }

    /** Outputs follow Caffe's rule (produced, not read since) and each gets its own tensor named after its blob. */
    @Test
    void outputsAreTheUnreadBlobsEachUnderItsOwnName() {
        OnnxRoundTrip.Run r = run("outputs", input(2, 3, 4, 5)
                + "layer { name: \"conv\" type: \"Convolution\" bottom: \"data\" top: \"c\" convolution_param { num_output: 2 kernel_size: 1 } }\n"
                + "layer { name: \"split\" type: \"Split\" bottom: \"c\" top: \"c1\" top: \"c2\" }\n"
                + "layer { name: \"drop\" type: \"Dropout\" bottom: \"data\" top: \"d\" }\n"
                + "layer { name: \"relu\" type: \"ReLU\" bottom: \"c2\" top: \"c2\" }\n", 2, 3, 4, 5);
        assertThat(r.export().outputs()).extracting(OnnxExporter.Output::name).containsExactly("c1", "d", "c2");
        assertThat(r.export().outputs()).extracting(OnnxExporter.Output::graftName).containsExactly("c", "d", "relu");
    }

    @Test
    void fixedBatchAndNewerOpsetRunToo() {
        NetConfig cfg = OnnxRoundTrip.prototxt(tmp, "fixed", input(2, 3, 9, 9)
                + pool("p", "pool: AVE kernel_size: 3 stride: 2 pad: 1")
                + "layer { name: \"n\" type: \"LRN\" bottom: \"p\" top: \"n\" lrn_param { local_size: 3 norm_region: WITHIN_CHANNEL } }\n");
        Path w = OnnxRoundTrip.randomWeights(cfg, new int[] {3, 9, 9}, 1, tmp.resolve("fixed.caffemodel"));
        Npy.Array x = OnnxRoundTrip.randomInput(3, 2, 3, 9, 9);
        OnnxRoundTrip.Run r = OnnxRoundTrip.run(cfg, w, x, new OnnxExporter.Options(OnnxExporter.MAX_OPSET, 2, null)).assertClose("opset21-batch2");
        assertThat(r.export().model().getOpsetImport(0).getVersion()).isEqualTo(21);
        assertThat(r.export().model().getIrVersion()).isEqualTo(10);
        assertThat(r.export().model().getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimValue()).isEqualTo(2);
    }

    @Test
    void refusesWhatCannotBeExact() {
        NetConfig ip0 = OnnxRoundTrip.prototxt(tmp, "ip0", input(2, 3) + "layer { name: \"ip\" type: \"InnerProduct\" bottom: \"data\""
                + " top: \"ip\" inner_product_param { num_output: 2 axis: 0 } }\n");
        Path w = OnnxRoundTrip.randomWeights(ip0, new int[] {3, 1, 1}, 1, tmp.resolve("ip0.caffemodel"));
        assertThatThrownBy(() -> OnnxRoundTrip.run(ip0, w, OnnxRoundTrip.randomInput(1, 2, 3), OnnxExporter.Options.defaults()))
                .isInstanceOf(OnnxExportException.class).hasMessageContaining("layer 'ip' (InnerProduct)").hasMessageContaining("--batch N");
        OnnxRoundTrip.run(ip0, w, OnnxRoundTrip.randomInput(1, 2, 3), new OnnxExporter.Options(13, 2, null)).assertClose("ip-axis0");
        assertThatThrownBy(() -> OnnxExporter.export(ip0, java.util.Map.of(), new OnnxExporter.Options(12, 0, null)))
                .hasMessageContaining("--opset 12 is not supported");
    }

    /**
     * Every layer type is mapped, left out (data, loss, accuracy) or refused with the layer's name: a type added
     * to Graft without a mapping cannot slip into a model, and the docs' table (docs/onnx.md) lists each mapped type.
     */
    @Test
    void everyLayerTypeIsMappedOrRefusedByName() throws java.io.IOException {
        String doc = java.nio.file.Files.readString(org.graft.testing.Repo.path("docs", "onnx.md"));
        for (org.graft.net.config.LayerType t : org.graft.net.config.LayerType.values()) {
            if (LayerMappings.maps(t)) {
                assertThat(doc).as("docs/onnx.md lists %s", t.jsonName()).containsPattern("\\| [^|\\n]*\\b" + t.jsonName() + "\\b");
                continue;
            }
            if (t.isData() || t.isLoss() || t == org.graft.net.config.LayerType.ACCURACY) {
                continue;
            }
            org.graft.net.config.LayerConfig l = org.graft.net.config.LayerConfig.builder("odd", t).build();
            assertThatThrownBy(() -> LayerMappings.of(l)).isInstanceOf(OnnxExportException.class)
                    .hasMessageContaining("layer 'odd' (" + t.jsonName() + ")");
        }
    }
}
