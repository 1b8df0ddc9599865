package org.graft.onnx;

import java.util.List;
import org.graft.caffe.proto.Caffe.LRNParameter.NormRegion;
import org.graft.net.config.LayerConfig;
import org.graft.ops.lrn.LRNLayer;

/**
 * Caffe's LRN. ACROSS_CHANNELS is ONNX's LRN with the same numbers: both divide alpha by the window size
 * (ONNX: x / (bias + alpha/size · Σ x²)^beta over channels [c − ⌊(size−1)/2⌋, c + ⌈(size−1)/2⌉], the
 * window Caffe centres on c for its odd sizes), bias = Caffe's k.
 * <p>WITHIN_CHANNEL has no ONNX operator; Caffe itself builds it from layers, and so does the export,
 * node for node: squares = x·x; their size×size window means with zero padding (size−1)/2, stride 1,
 * where padded cells count (Caffe's divisor is always size² here, see {@link org.graft.ops.lrn.LRNReference}),
 * written as a depthwise Conv with weights 1/size² rather than AveragePool with count_include_pad=1, which
 * runtimes do not all honour (see {@link PoolingMapping}); scale = 1 + alpha·mean
 * (Caffe fixes the shift at 1 and ignores k); y = x · scale^(−beta).
 */
final class LrnMapping implements LayerMapping {
    @Override
    public void export(LayerConfig layer, OnnxGraph g) {
        LRNLayer.Spec s = layer.settings(LRNLayer.Spec.class);
        String x = g.bottom(layer, 0);
        if (s.region() == NormRegion.ACROSS_CHANNELS) {
            g.node(layer, "LRN", List.of(x), g.top(layer, 0)).i("size", s.localSize()).f("alpha", s.alpha())
                    .f("beta", s.beta()).f("bias", s.k());
            return;
        }
        if (g.bottomShape(layer, 0).length != 4) {
            throw OnnxExportException.of(layer, "WITHIN_CHANNEL needs a 4-axis bottom");
        }
        int n = s.localSize();
        int pad = (n - 1) / 2;
        String squares = g.temp(layer, "squares");
        g.node(layer, "Mul", List.of(x, x), squares);
        int channels = g.bottomShape(layer, 0)[1];
        float[] weights = new float[channels * n * n];
        java.util.Arrays.fill(weights, 1f / (n * n));
        String kernel = g.floats(layer.name() + "/window_weights", new long[] {channels, 1, n, n}, weights);
        String mean = g.temp(layer, "window_means");
        g.node(layer, "Conv", List.of(squares, kernel), mean).ints("kernel_shape", n, n).ints("strides", 1, 1)
                .ints("pads", pad, pad, pad, pad).i("group", channels);
        String scaled = g.temp(layer, "alpha_means");
        g.node(layer, "Mul", List.of(mean, g.scalar(layer.name() + "/alpha", s.alpha())), scaled);
        String scale = g.temp(layer, "scale");
        g.node(layer, "Add", List.of(scaled, g.scalar(layer.name() + "/one", 1f)), scale);
        String factor = g.temp(layer, "scale_pow_minus_beta");
        g.node(layer, "Pow", List.of(scale, g.scalar(layer.name() + "/minus_beta", -s.beta())), factor);
        g.node(layer, "Mul", List.of(x, factor), g.top(layer, 0));
    }
}
