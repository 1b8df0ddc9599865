// Top-k classification accuracy (Caffe's "Accuracy"). Scores (or probabilities) are viewed as
// (outer, channels, inner); position pos = o * inner + i has the float label labels[pos].
// Caffe's rule, ties included: a sample is correct when fewer than top_k OTHER classes score at
// least as high as the true class (num_better starts at -1 because the true class counts itself).
// Labels outside [0, channels) that are not the ignore_label are recorded in err and not counted.
// A NaN score never matches: a NaN true-class score is wrong, and another class's NaN counts as at
// least as high (with a plain >= every comparison with NaN is false and a NaN model scores 100%).

// Same conversion as softmax_loss.cl: truncation toward zero inside int's range; -1 for the
// ignore_label and for bad labels (recorded once: err[0] = 1, err[1] = label bits, err[2] = pos).
int class_of(const float lf, const int channels, const int has_ignore, const int ignore_label,
             __global int* err, const int pos) {
    if (lf >= -2147483648.0f && lf < 2147483648.0f) {
        const int l = (int) lf;
        if (has_ignore && l == ignore_label) {
            return -1;
        }
        if (l >= 0 && l < channels) {
            return l;
        }
    }
    if (atomic_cmpxchg(err, 0, 1) == 0) {
        err[1] = as_int(lf);
        err[2] = pos;
    }
    return -1;
}

// Per sample: out[pos] = 1 if correct, out[n + pos] = 1 if counted (not ignored), n = outer * inner.
__kernel void accuracy_per_sample(__global const float* scores, __global const float* labels,
                                  const int outer, const int channels, const int inner, const int top_k,
                                  const int has_ignore, const int ignore_label,
                                  __global float* out, __global int* err) {
    const int pos = get_global_id(0);
    const int n = outer * inner;
    if (pos >= n) {
        return;
    }
    const int l = class_of(labels[pos], channels, has_ignore, ignore_label, err, pos);
    float correct = 0.0f;
    float counted = 0.0f;
    if (l >= 0) {
        const int o = pos / inner;
        const int i = pos - o * inner;
        const int base = o * channels * inner + i;
        const float truth = scores[base + l * inner];
        int better = -1;
        for (int c = 0; c < channels && better < top_k; c++) {
            better += !(scores[base + c * inner] < truth);
        }
        correct = !isnan(truth) && better < top_k ? 1.0f : 0.0f;
        counted = 1.0f;
    }
    out[pos] = correct;
    out[n + pos] = counted;
}

// One work-item: sums = {correct, counted} from pair_sum; accuracy is 0 when nothing was counted.
__kernel void accuracy_finalize(__global const float* sums, __global float* top) {
    if (get_global_id(0) != 0) {
        return;
    }
    top[0] = sums[1] == 0.0f ? 0.0f : sums[0] / sums[1];
}
