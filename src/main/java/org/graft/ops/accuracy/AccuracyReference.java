package org.graft.ops.accuracy;

import org.graft.ops.softmaxwithloss.SoftmaxWithLossReference;

/**
 * Plain-Java top-k accuracy, the reference for {@code kernels/accuracy.cl} (Caffe's Accuracy).
 * Scores are viewed as (outer, channels, inner); position pos = o·inner + i has label labels[pos]
 * (truncated to int). Positions with the ignore_label are skipped. A position is correct when
 * #{c ≠ label : score_c ≥ score_label} &lt; k, so ties count against the true class, as in Caffe.
 * A NaN score is never a match: a NaN true-class score makes the position wrong, and a NaN score of
 * another class counts as at least as high (Caffe's plain {@code >=} would call a NaN model perfect).
 * accuracy = correct / counted, or 0 when nothing was counted. There is no backward.
 */
public final class AccuracyReference {
    private AccuracyReference() {
    }

    public static float accuracy(float[] scores, float[] labels, int outer, int channels, int inner, int topK,
                                 Integer ignoreLabel) {
        int correct = 0;
        int counted = 0;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int label = SoftmaxWithLossReference.classOf(labels[o * inner + i], channels, ignoreLabel);
                if (label < 0) {
                    continue;
                }
                float truth = scores[(o * channels + label) * inner + i];
                int atLeastAsHigh = 0;
                for (int c = 0; c < channels; c++) {
                    if (c != label && !(scores[(o * channels + c) * inner + i] < truth)) {
                        atLeastAsHigh++;
                    }
                }
                if (!Float.isNaN(truth) && atLeastAsHigh < topK) {
                    correct++;
                }
                counted++;
            }
        }
        return counted == 0 ? 0f : (float) correct / counted;
    }
}
