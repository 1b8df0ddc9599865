package org.graft.onnx;

import java.util.List;
import org.graft.caffe.proto.Caffe.PoolingParameter.PoolMethod;
import org.graft.net.config.LayerConfig;
import org.graft.ops.pooling.PoolingLayer;

/**
 * Caffe's Pooling as ONNX MaxPool/AveragePool, exactly. Caffe rounds the output size up by default and
 * then drops a last window that would start in the bottom/right padding; ONNX's ceil_mode differs between
 * versions on that last rule, so the exporter never uses it: it gives explicit end pads (floor mode) that
 * make ONNX's output size Caffe's, {@code end = (out − 1)·stride + kernel − in − pad}, which is below
 * the kernel because Caffe's last window starts inside the image.
 * <p>MAX ignores padded cells in both. AVE: Caffe divides each window's sum by its area clipped to the
 * padded image [−pad, in + pad) — padded cells inside count, the extension beyond does not. Without padding
 * that is ONNX AveragePool with count_include_pad=0. With padding, count_include_pad=1 would be Caffe's rule
 * wherever the windows stay inside the padded image, but runtimes disagree on it (OpenCV 4.6 ignores it; ONNX
 * Runtime before 1.21 clamps asymmetric pads with the wrong index, onnxruntime#26708, and fuses a Pad into a
 * count_include_pad=0 AveragePool wrongly, onnxruntime#22177). So padded AVE pooling is written without
 * them: a depthwise Conv with weights 1/(kernel_h·kernel_w) (zero padding means the same everywhere) gives the
 * window sums over k², and where Caffe's divisor is smaller a Mul by the constant k²/divisor per position
 * (shaped [1, C, H, W]: OpenCV's importer does not broadcast over channels) follows.
 */
final class PoolingMapping implements LayerMapping {
    @Override
    public void export(LayerConfig layer, OnnxGraph g) {
        PoolingLayer.Spec p = layer.settings(PoolingLayer.Spec.class);
        int[] in = g.bottomShape(layer, 0);
        if (in.length != 4) {
            throw OnnxExportException.of(layer, "expected a 4-axis bottom, found " + in.length + " axes");
        }
        String x = g.bottom(layer, 0);
        boolean max = p.method() == PoolMethod.MAX;
        if (p.globalPooling()) {
            g.node(layer, max ? "GlobalMaxPool" : "GlobalAveragePool", List.of(x), g.top(layer, 0));
            return;
        }
        boolean anyPad = p.padH() > 0 || p.padW() > 0;
        Axis h = Axis.of(layer, in[2], p.kernelH(), p.strideH(), p.padH(), anyPad, p);
        Axis w = Axis.of(layer, in[3], p.kernelW(), p.strideW(), p.padW(), anyPad, p);
        if (max) {
            g.node(layer, "MaxPool", List.of(x), g.top(layer, 0)).ints("kernel_shape", p.kernelH(), p.kernelW())
                    .ints("strides", p.strideH(), p.strideW()).ints("pads", h.pad, w.pad, h.endPad, w.endPad);
            return;
        }
        if (!anyPad) {
            // Without padding Caffe's divisor is the window clipped to the image: count_include_pad=0 over the extension.
            g.node(layer, "AveragePool", List.of(x), g.top(layer, 0)).ints("kernel_shape", p.kernelH(), p.kernelW())
                    .ints("strides", p.strideH(), p.strideW()).ints("pads", 0, 0, h.endPad, w.endPad).i("count_include_pad", 0);
            return;
        }
        int channels = in[1];
        int area = p.kernelH() * p.kernelW();
        float[] ones = new float[channels * area];
        java.util.Arrays.fill(ones, 1f / area);
        String kernel = g.floats(layer.name() + "/window_weights", new long[] {channels, 1, p.kernelH(), p.kernelW()}, ones);
        float[] correction = new float[channels * h.out * w.out];
        boolean uniform = true;
        for (int oh = 0; oh < h.out; oh++) {
            for (int ow = 0; ow < w.out; ow++) {
                int divisor = h.caffeSpan(oh) * w.caffeSpan(ow);
                uniform &= divisor == area;
                for (int c = 0; c < channels; c++) {
                    correction[(c * h.out + oh) * w.out + ow] = (float) ((double) area / divisor);
                }
            }
        }
        String means = uniform ? g.top(layer, 0) : g.temp(layer, "window_means");
        g.node(layer, "Conv", List.of(x, kernel), means).ints("kernel_shape", p.kernelH(), p.kernelW())
                .ints("strides", p.strideH(), p.strideW()).ints("pads", h.pad, w.pad, h.endPad, w.endPad).i("group", channels);
        if (!uniform) {
            String c = g.floats(layer.name() + "/divisor_correction", new long[] {1, channels, h.out, w.out}, correction);
            g.node(layer, "Mul", List.of(means, c), g.top(layer, 0));
        }
    }

    /** One spatial axis: Caffe's output size, the ONNX pads that give it, and Caffe's AVE divisor. */
    private record Axis(int in, int kernel, int stride, int pad, int out, int endPad) {
        static Axis of(LayerConfig layer, int in, int kernel, int stride, int pad, boolean anyPad, PoolingLayer.Spec p) {
            int out = PoolingLayer.pooledSize(in, kernel, stride, pad, anyPad, p.roundMode());
            int end = (out - 1) * stride + kernel - in - pad;
            // Floor mode leaves a smaller remainder unused; with end = 0 floor((in + pad − kernel)/stride) + 1 is still out.
            end = Math.max(end, 0);
            if (end >= kernel || (out - 1) * stride - pad >= in) {
                throw OnnxExportException.of(layer, "its last window (stride " + stride + " > kernel " + kernel
                        + " on an input of " + in + ") lies wholly outside the input, which Caffe pools to -FLT_MAX/0 and ONNX refuses");
            }
            if ((in + pad + end - kernel) / stride + 1 != out) {
                throw new IllegalStateException("pooling geometry of layer '" + layer.name() + "' did not reproduce Caffe's size " + out);
            }
            return new Axis(in, kernel, stride, pad, out, end);
        }

        /** Caffe's AVE divisor along this axis for output {@code o}: the window clipped to [−pad, in + pad). */
        int caffeSpan(int o) {
            int start = o * stride - pad;
            return Math.min(start + kernel, in + pad) - start;
        }
    }
}
