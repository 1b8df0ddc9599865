// Softmax cross-entropy loss (Caffe's "SoftmaxWithLoss"), after softmax.cl has turned the scores
// into probabilities. Data is viewed as (outer, channels, inner); a position pos = o * inner + i
// holds one sample whose label is labels[pos] (a float holding an integer class id, as in Caffe).
// Labels outside [0, channels) that are not the ignore_label are recorded in err (see class_of)
// and otherwise treated as ignored, so a bad label can never make a kernel read out of bounds.

#define NORM_VALID 1

// Caffe converts the float label with static_cast<int> (truncation toward zero); that conversion is
// only defined inside int's range, so values outside it (and NaN) are bad labels before converting.
// Returns the class index, or -1 for the ignore_label and for bad labels (recorded once in err when
// `report` is set: err[0] = 1, err[1] = the label's bits, err[2] = the position).
int class_of(const float lf, const int channels, const int has_ignore, const int ignore_label,
             __global int* err, const int pos, const int report) {
    if (lf >= -2147483648.0f && lf < 2147483648.0f) {
        const int l = (int) lf;
        if (has_ignore && l == ignore_label) {
            return -1;
        }
        if (l >= 0 && l < channels) {
            return l;
        }
    }
    if (report && atomic_cmpxchg(err, 0, 1) == 0) {
        err[1] = as_int(lf);
        err[2] = pos;
    }
    return -1;
}

// Per sample: out[pos] = -log(max(p_label, FLT_MIN)) and out[n + pos] = 1 if the sample counts
// (0 for ignored or bad labels), with n = outer * inner. pair_sum.cl then adds both halves up.
__kernel void softmax_loss_per_sample(__global const float* prob, __global const float* labels,
                                      const int outer, const int channels, const int inner,
                                      const int has_ignore, const int ignore_label,
                                      __global float* out, __global int* err) {
    const int pos = get_global_id(0);
    const int n = outer * inner;
    if (pos >= n) {
        return;
    }
    const int l = class_of(labels[pos], channels, has_ignore, ignore_label, err, pos, 1);
    float loss = 0.0f;
    float counted = 0.0f;
    if (l >= 0) {
        const int o = pos / inner;
        const int i = pos - o * inner;
        const float p = prob[(o * channels + l) * inner + i];
        // As Caffe's std::max(p, FLT_MIN): clamps tiny probabilities but lets a NaN through.
        loss = -log(p < FLT_MIN ? FLT_MIN : p);
        counted = 1.0f;
    }
    out[pos] = loss;
    out[n + pos] = counted;
}

// One work-item: sums = {total loss, number of counted samples} from pair_sum. Writes the loss
// top[0] = total / normaliser and keeps the normaliser for the backward pass. For the VALID mode
// the normaliser is the counted samples; otherwise the host passes it in fixed_norm. As in Caffe
// it is at least 1, so a batch whose labels are all ignored has loss 0.
__kernel void softmax_loss_finalize(__global const float* sums, const int mode, const float fixed_norm,
                                    __global float* top, __global float* norm) {
    if (get_global_id(0) != 0) {
        return;
    }
    const float normaliser = fmax(1.0f, mode == NORM_VALID ? sums[1] : fixed_norm);
    top[0] = sums[0] / normaliser;
    norm[0] = normaliser;
}

// One work-item per score: dx = (p - onehot(label)) * (loss_weight / normaliser), where loss_weight
// is top[0]'s diff (Caffe's convention; read here so the host never has to). Ignored and bad labels
// give a zero gradient for all of that sample's channels.
__kernel void softmax_loss_backward(__global const float* prob, __global const float* labels,
                                    const int outer, const int channels, const int inner,
                                    const int has_ignore, const int ignore_label,
                                    __global const float* top_diff, __global const float* norm,
                                    __global float* dx) {
    const int idx = get_global_id(0);
    const int per_outer = channels * inner;
    if (idx >= outer * per_outer) {
        return;
    }
    const int o = idx / per_outer;
    const int rest = idx - o * per_outer;
    const int c = rest / inner;
    const int i = rest - c * inner;
    const int l = class_of(labels[o * inner + i], channels, has_ignore, ignore_label, 0, 0, 0);
    const float scale = top_diff[0] / norm[0];
    dx[idx] = l < 0 ? 0.0f : (prob[idx] - (c == l ? 1.0f : 0.0f)) * scale;
}
