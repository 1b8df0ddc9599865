package org.graft.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.graft.net.config.NetConfig;
import org.graft.onnx.proto.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Model Zoo layers (issue 15) exported to ONNX and run by ONNX Runtime against Graft's forward pass, on
 * small nets with seeded random weights; BatchNorm's statistics carry a moving-average factor other than 1.
 */
class OnnxZooMappingTest {
    @TempDir
    Path tmp;

    private static final String INPUT = "name: \"zoo\"\nlayer { name: \"data\" type: \"Input\" top: \"data\" input_param { shape { dim: 2 dim: 6 dim: 5 dim: 4 } } }\n";

    private OnnxRoundTrip.Run run(String name, String net, OnnxExporter.Options o, String... inner) {
        NetConfig cfg = OnnxRoundTrip.prototxt(tmp, name, INPUT + net);
        Path w = OnnxRoundTrip.randomWeights(cfg, new int[] {6, 5, 4}, 5, tmp.resolve(name + ".caffemodel"));
        return OnnxRoundTrip.run(cfg, w, OnnxRoundTrip.randomInput(13, 2, 6, 5, 4), o, List.of(inner)).assertClose(name);
    }

    private static List<String> ops(OnnxRoundTrip.Run r) {
        return r.export().model().getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    /** BatchNorm (factor folded into mean and variance, in place), Scale with bias, Scale over two axes, Bias. */
    @Test
    void batchNormScaleAndBias() {
        OnnxRoundTrip.Run r = run("affine", ""
                + "layer { name: \"bn\" type: \"BatchNorm\" bottom: \"data\" top: \"bn\" batch_norm_param { eps: 0.001 } }\n"
                + "layer { name: \"sc\" type: \"Scale\" bottom: \"bn\" top: \"bn\" scale_param { bias_term: true } }\n"
                + "layer { name: \"sc2\" type: \"Scale\" bottom: \"data\" top: \"sc2\" scale_param { axis: 1 num_axes: 2 } }\n"
                + "layer { name: \"b\" type: \"Bias\" bottom: \"data\" top: \"b\" bias_param { axis: 2 num_axes: -1 } }\n",
                OnnxExporter.Options.defaults());
        assertThat(ops(r)).containsExactly("BatchNormalization", "Mul", "Add", "Mul", "Add");
        assertThat(r.comparisons()).extracting(OnnxRoundTrip.Comparison::output).containsExactly("bn", "sc2", "b");
        assertThat(r.export().outputs().get(0).graftName()).isEqualTo("sc");
    }

    /** Scale and Bias whose factor is a second bottom (here the two halves of a Slice). */
    @Test
    void scaleAndBiasFromSecondBottoms() {
        OnnxRoundTrip.Run r = run("bottoms", ""
                + "layer { name: \"cut\" type: \"Slice\" bottom: \"data\" top: \"a\" top: \"b\" slice_param { axis: 1 } }\n"
                + "layer { name: \"sc\" type: \"Scale\" bottom: \"a\" bottom: \"b\" top: \"ab\" scale_param { axis: 0 } }\n"
                + "layer { name: \"bi\" type: \"Bias\" bottom: \"ab\" bottom: \"b\" top: \"abb\" bias_param { axis: 0 } }\n",
                new OnnxExporter.Options(13, 2, null));
        assertThat(r.comparisons()).extracting(OnnxRoundTrip.Comparison::output).containsExactly("abb");
        NetConfig cfg = OnnxRoundTrip.prototxt(tmp, "dyn", INPUT
                + "layer { name: \"cut\" type: \"Slice\" bottom: \"data\" top: \"a\" top: \"b\" slice_param { axis: 1 } }\n"
                + "layer { name: \"sc\" type: \"Scale\" bottom: \"a\" bottom: \"b\" top: \"ab\" scale_param { axis: 0 } }\n");
        assertThatThrownBy(() -> OnnxExporter.export(cfg, java.util.Map.of(), OnnxExporter.Options.defaults()))
                .isInstanceOf(OnnxExportException.class).hasMessageContaining("layer 'sc' (Scale)").hasMessageContaining("--batch N");
    }

    /** Concat, Slice (points and equal parts), Flatten (from 1; from 2 to the end), Reshape (0, -1), Crop with offsets. */
    @Test
    void concatSliceFlattenReshapeCrop() {
        OnnxRoundTrip.Run r = run("shapes", ""
                + "layer { name: \"cut\" type: \"Slice\" bottom: \"data\" top: \"s1\" top: \"s2\" top: \"s3\" slice_param { axis: 1 slice_point: 1 slice_point: 4 } }\n"
                + "layer { name: \"halves\" type: \"Slice\" bottom: \"data\" top: \"h1\" top: \"h2\" slice_param { axis: -1 } }\n"
                + "layer { name: \"cat\" type: \"Concat\" bottom: \"s3\" bottom: \"s1\" bottom: \"s2\" top: \"cat\" }\n"
                + "layer { name: \"cat3\" type: \"Concat\" bottom: \"h2\" bottom: \"h1\" top: \"cat3\" concat_param { axis: 3 } }\n"
                + "layer { name: \"flat\" type: \"Flatten\" bottom: \"cat\" top: \"flat\" }\n"
                + "layer { name: \"flat2\" type: \"Flatten\" bottom: \"cat3\" top: \"flat2\" flatten_param { axis: 2 } }\n"
                + "layer { name: \"re\" type: \"Reshape\" bottom: \"data\" top: \"re\" reshape_param { shape { dim: 0 dim: -1 dim: 2 } } }\n"
                + "layer { name: \"re2\" type: \"Reshape\" bottom: \"data\" top: \"re2\" reshape_param { axis: 1 num_axes: 2 shape { dim: 30 } } }\n"
                + "layer { name: \"small\" type: \"Slice\" bottom: \"data\" top: \"small\" top: \"rest\" slice_param { axis: 2 slice_point: 3 } }\n"
                + "layer { name: \"crop\" type: \"Crop\" bottom: \"data\" bottom: \"small\" top: \"crop\" crop_param { axis: 2 offset: 1 offset: 0 } }\n",
                OnnxExporter.Options.defaults());
        assertThat(r.comparisons()).extracting(OnnxRoundTrip.Comparison::output)
                .contains("flat", "flat2", "re", "re2", "crop");
        assertThat(r.comparisons().stream().filter(c -> c.output().equals("re")).findFirst().orElseThrow().shape())
                .containsExactly(2, 60, 2);
    }

    /** Eltwise SUM (coefficients), PROD over three bottoms, MAX; PReLU per channel and shared; AbsVal; Power; Clip. */
    @Test
    void eltwisePreluAbsPowerClip() {
        OnnxRoundTrip.Run r = run("elementwise", ""
                + "layer { name: \"abs\" type: \"AbsVal\" bottom: \"data\" top: \"abs\" }\n"
                + "layer { name: \"pr\" type: \"PReLU\" bottom: \"data\" top: \"pr\" }\n"
                + "layer { name: \"prs\" type: \"PReLU\" bottom: \"data\" top: \"prs\" prelu_param { channel_shared: true } }\n"
                + "layer { name: \"sum\" type: \"Eltwise\" bottom: \"abs\" bottom: \"pr\" bottom: \"prs\" top: \"sum\""
                + " eltwise_param { operation: SUM coeff: 0.5 coeff: -2 coeff: 1 } }\n"
                + "layer { name: \"prod\" type: \"Eltwise\" bottom: \"abs\" bottom: \"pr\" bottom: \"data\" top: \"prod\" eltwise_param { operation: PROD } }\n"
                + "layer { name: \"max\" type: \"Eltwise\" bottom: \"prod\" bottom: \"sum\" top: \"max\" eltwise_param { operation: MAX } }\n"
                + "layer { name: \"pow\" type: \"Power\" bottom: \"data\" top: \"pow\" power_param { power: 0.5 scale: 0.5 shift: 2 } }\n"
                + "layer { name: \"sq\" type: \"Power\" bottom: \"data\" top: \"sq\" power_param { power: 2 } }\n"
                + "layer { name: \"clip\" type: \"Clip\" bottom: \"data\" top: \"clip\" clip_param { min: -0.3 max: 0.4 } }\n",
                OnnxExporter.Options.defaults(), "sum", "prod", "pr", "prs");
        assertThat(r.comparisons()).extracting(OnnxRoundTrip.Comparison::output)
                .containsExactly("max", "pow", "sq", "clip", "sum", "prod", "pr", "prs");
        assertThat(ops(r)).contains("Abs", "PRelu", "Max", "Pow", "Clip");
    }
}
