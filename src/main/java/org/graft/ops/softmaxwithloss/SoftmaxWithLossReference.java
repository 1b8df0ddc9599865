package org.graft.ops.softmaxwithloss;

import org.graft.caffe.proto.Caffe.LossParameter.NormalizationMode;
import org.graft.ops.softmax.SoftmaxReference;

/**
 * Plain-Java softmax cross-entropy loss, the reference for {@code kernels/softmax_loss.cl} (Caffe's
 * SoftmaxWithLoss). Scores are viewed as (outer, channels, inner); position pos = o·inner + i has the
 * label labels[pos], a float truncated to int as Caffe's static_cast&lt;int&gt;.
 * <ul>
 * <li>p = softmax(scores) over the channels ({@link SoftmaxReference});</li>
 * <li>loss = −Σ_{pos not ignored} log max(p[label(pos)], FLT_MIN) / normaliser, where the normaliser
 * is max(1, N) with N = outer·inner (FULL), the number of non-ignored positions (VALID), outer
 * (BATCH_SIZE) or 1 (NONE);</li>
 * <li>backward: dscores = (p − onehot(label)) · (lossWeight / normaliser), and 0 for every channel
 * of an ignored position. lossWeight is the loss top's diff.</li>
 * </ul>
 */
public final class SoftmaxWithLossReference {
    /** Smallest normal float, the clamp Caffe applies before the log (FLT_MIN). */
    public static final float FLT_MIN = Float.MIN_NORMAL;

    private SoftmaxWithLossReference() {
    }

    public record Result(float[] probabilities, float loss, float normaliser) {
    }

    public static Result forward(float[] scores, float[] labels, int outer, int channels, int inner,
                                 Integer ignoreLabel, NormalizationMode normalization) {
        float[] p = SoftmaxReference.forward(scores, outer, channels, inner);
        double loss = 0;
        int valid = 0;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int label = classOf(labels[o * inner + i], channels, ignoreLabel);
                if (label < 0) {
                    continue;
                }
                float prob = p[(o * channels + label) * inner + i];
                loss -= Math.log(Math.max(prob, FLT_MIN));
                valid++;
            }
        }
        float norm = normaliser(normalization, outer, inner, valid);
        return new Result(p, (float) (loss / norm), norm);
    }

    public static float normaliser(NormalizationMode mode, int outer, int inner, int valid) {
        float n = switch (mode) {
            case FULL -> outer * inner;
            case VALID -> valid;
            case BATCH_SIZE -> outer;
            case NONE -> 1;
        };
        return Math.max(1f, n);
    }

    public static float[] backward(float[] p, float[] labels, int outer, int channels, int inner,
                                   Integer ignoreLabel, float lossWeight, float normaliser) {
        float[] dx = new float[p.length];
        float scale = lossWeight / normaliser;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int label = classOf(labels[o * inner + i], channels, ignoreLabel);
                for (int c = 0; c < channels; c++) {
                    int k = (o * channels + c) * inner + i;
                    dx[k] = label < 0 ? 0f : (p[k] - (c == label ? 1f : 0f)) * scale;
                }
            }
        }
        return dx;
    }

    /** The class index of a label, or −1 for the ignore_label; throws for labels outside [0, channels). */
    public static int classOf(float label, int channels, Integer ignoreLabel) {
        // Only values inside int's range (not NaN) convert to an int in C, so others are bad labels.
        if (label >= -2147483648f && label < 2147483648f) {
            int l = (int) label; // truncation toward zero, as static_cast<int>
            if (ignoreLabel != null && l == ignoreLabel) {
                return -1;
            }
            if (l >= 0 && l < channels) {
                return l;
            }
        }
        throw new IllegalArgumentException("label " + label + " is outside [0, " + channels + ")");
    }
}
