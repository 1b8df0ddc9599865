package org.graft.onnx;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.ops.elu.ELULayer;
import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.ops.relu.ReLULayer;
import org.graft.ops.softmax.SoftmaxLayer;

/**
 * The one table of Caffe layer type → ONNX mapping (docs/onnx.md lists it for users). Data layers become
 * the graph's inputs and loss/accuracy layers (which need labels) are left out by {@link OnnxExporter};
 * a type missing here stops the export with the layer's name.
 */
final class LayerMappings {
    private static final Map<LayerType, LayerMapping> TABLE = new EnumMap<>(LayerType.class);

    static {
        TABLE.put(LayerType.CONVOLUTION, LayerMappings::convolution);
        TABLE.put(LayerType.INNER_PRODUCT, LayerMappings::innerProduct);
        TABLE.put(LayerType.POOLING, new PoolingMapping());
        TABLE.put(LayerType.LRN, new LrnMapping());
        TABLE.put(LayerType.RELU, LayerMappings::relu);
        TABLE.put(LayerType.SIGMOID, unary("Sigmoid"));
        TABLE.put(LayerType.TANH, unary("Tanh"));
        TABLE.put(LayerType.ELU, (l, g) -> g.node(l, "Elu", List.of(g.bottom(l, 0)), g.top(l, 0))
                .f("alpha", l.settings(ELULayer.Spec.class).alpha()));
        // Dropout at inference (TEST) passes its input through (Caffe scales while training), so it has no node.
        TABLE.put(LayerType.DROPOUT, (l, g) -> g.alias(l, 0, g.bottom(l, 0)));
        TABLE.put(LayerType.SPLIT, LayerMappings::split);
        TABLE.put(LayerType.SOFTMAX, (l, g) -> g.node(l, "Softmax", List.of(g.bottom(l, 0)), g.top(l, 0))
                .i("axis", canonicalAxis(l, l.settings(SoftmaxLayer.Spec.class).axis(), g.bottomShape(l, 0).length)));
        TABLE.put(LayerType.BATCH_NORM, AffineMappings::batchNorm);
        TABLE.put(LayerType.SCALE, AffineMappings::scale);
        TABLE.put(LayerType.BIAS, AffineMappings::bias);
        TABLE.put(LayerType.CONCAT, ShapeMappings::concat);
        TABLE.put(LayerType.SLICE, ShapeMappings::slice);
        TABLE.put(LayerType.FLATTEN, ShapeMappings::reshape);
        TABLE.put(LayerType.RESHAPE, ShapeMappings::reshape);
        TABLE.put(LayerType.CROP, ShapeMappings::crop);
        TABLE.put(LayerType.ELTWISE, ElementwiseMappings::eltwise);
        TABLE.put(LayerType.PRELU, ElementwiseMappings::prelu);
        TABLE.put(LayerType.ABSVAL, unary("Abs"));
        TABLE.put(LayerType.POWER, ElementwiseMappings::power);
        TABLE.put(LayerType.CLIP, ElementwiseMappings::clip);
        TABLE.put(LayerType.DECONVOLUTION, LayerMappings::deconvolution);
    }

    private LayerMappings() {
    }

    /** The mapping of {@code layer}'s type; refused with the layer's name when there is none. */
    static LayerMapping of(LayerConfig layer) {
        LayerMapping m = TABLE.get(layer.type());
        if (m == null) {
            throw OnnxExportException.of(layer, "Graft has no ONNX mapping for " + layer.type().jsonName() + " layers yet");
        }
        return m;
    }

    /** Whether a type has an ONNX mapping (for docs and tests). */
    static boolean maps(LayerType type) {
        return TABLE.containsKey(type);
    }

    private static LayerMapping unary(String op) {
        return (l, g) -> g.node(l, op, List.of(g.bottom(l, 0)), g.top(l, 0));
    }

    /** Conv: Caffe's weights [out, in/group, kh, kw] are ONNX's W; output size floor((in + 2p − d(k−1) − 1)/s) + 1 in both. */
    private static void convolution(LayerConfig l, OnnxGraph g) {
        ConvolutionLayer.Spec s = l.settings(ConvolutionLayer.Spec.class);
        if (g.bottomShape(l, 0).length != 4) {
            throw OnnxExportException.of(l, "expected a 4-axis bottom");
        }
        String x = g.bottom(l, 0);
        String w = g.weightInitializer(l, 0, "weights");
        List<String> in = s.biasTerm() ? List.of(x, w, g.weightInitializer(l, 1, "bias")) : List.of(x, w);
        g.node(l, "Conv", in, g.top(l, 0)).ints("kernel_shape", s.kernelH(), s.kernelW())
                .ints("strides", s.strideH(), s.strideW()).ints("pads", s.padH(), s.padW(), s.padH(), s.padW())
                .ints("dilations", s.dilationH(), s.dilationW()).i("group", s.group());
    }

    /**
     * Deconvolution: ONNX ConvTranspose; Caffe's weights (in, out/group, kh, kw) are ONNX's layout, and both give
     * stride·(in − 1) + dilation·(k − 1) + 1 − 2·pad without output_padding.
     */
    private static void deconvolution(LayerConfig l, OnnxGraph g) {
        ConvolutionLayer.Spec s = l.settings(ConvolutionLayer.Spec.class);
        if (g.bottomShape(l, 0).length != 4) {
            throw OnnxExportException.of(l, "expected a 4-axis bottom");
        }
        String x = g.bottom(l, 0);
        String w = g.weightInitializer(l, 0, "weights");
        List<String> in = s.biasTerm() ? List.of(x, w, g.weightInitializer(l, 1, "bias")) : List.of(x, w);
        g.node(l, "ConvTranspose", in, g.top(l, 0)).ints("kernel_shape", s.kernelH(), s.kernelW())
                .ints("strides", s.strideH(), s.strideW()).ints("pads", s.padH(), s.padW(), s.padH(), s.padW())
                .ints("dilations", s.dilationH(), s.dilationW()).i("group", s.group());
    }

    /**
     * InnerProduct flattens the axes from {@code axis} on (implicitly): Flatten(axis) → Gemm with the
     * weights [out, in] transposed (transB = 1; not when Caffe's transpose keeps them [in, out]) → for axis
     * &gt; 1, Reshape back to the leading axes (the batch as -1, so it may stay dynamic).
     */
    private static void innerProduct(LayerConfig l, OnnxGraph g) {
        InnerProductLayer.Spec s = l.settings(InnerProductLayer.Spec.class);
        int[] shape = g.bottomShape(l, 0);
        int axis = canonicalAxis(l, s.axis(), shape.length);
        if (axis == 0 && g.dynamicBatch()) {
            throw OnnxExportException.of(l, "axis 0 makes the batch part of each input vector; export with --batch N");
        }
        String x = g.bottom(l, 0);
        String flat = g.temp(l, "flat");
        g.node(l, "Flatten", List.of(x), flat).i("axis", axis);
        String w = g.weightInitializer(l, 0, "weights");
        List<String> in = s.biasTerm() ? List.of(flat, w, g.weightInitializer(l, 1, "bias")) : List.of(flat, w);
        if (axis == 1) {
            g.node(l, "Gemm", in, g.top(l, 0)).i("transB", s.transpose() ? 0 : 1);
            return;
        }
        String y = g.temp(l, "gemm");
        g.node(l, "Gemm", in, y).i("transB", s.transpose() ? 0 : 1);
        long[] target = new long[axis + 1];
        for (int a = 0; a < axis; a++) {
            target[a] = a == 0 ? -1 : shape[a];
        }
        target[axis] = s.numOutput();
        if (axis == 0) {
            target = new long[] {s.numOutput()};
        }
        g.node(l, "Reshape", List.of(y, g.int64s(l.name() + "/shape", target)), g.top(l, 0));
    }

    private static void relu(LayerConfig l, OnnxGraph g) {
        float slope = l.settings(ReLULayer.Spec.class).negativeSlope();
        String x = g.bottom(l, 0);
        if (slope == 0f) {
            g.node(l, "Relu", List.of(x), g.top(l, 0));
        } else {
            g.node(l, "LeakyRelu", List.of(x), g.top(l, 0)).f("alpha", slope);
        }
    }

    /** Split's tops are its bottom (Caffe copies only to sum gradients). */
    private static void split(LayerConfig l, OnnxGraph g) {
        String x = g.bottom(l, 0);
        for (int t = 0; t < l.top().size(); t++) {
            g.alias(l, t, x);
        }
    }

    /** A Caffe axis (negative counts from the end) as 0..rank−1, refused when out of range. */
    static int canonicalAxis(LayerConfig l, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw OnnxExportException.of(l, "axis " + axis + " is outside a bottom of " + rank + " axes");
        }
        return a;
    }
}
