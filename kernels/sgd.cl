// One SGD-with-momentum step on one parameter blob, fused (Caffe's sgd_solver.cpp, L2 decay):
//   g <- g + decay * w        (only when decay != 0, as Caffe skips the axpy)
//   v <- momentum * v + rate * g
//   w <- w - v
// with rate = lr * lr_mult and decay = weight_decay * decay_mult computed by the host.
// Contraction into fma is switched off so every operation rounds exactly as the Java reference
// (org.graft.ops.sgd.SgdReference) does, which makes the two bit-identical.
#pragma OPENCL FP_CONTRACT OFF

__kernel void sgd_update(__global float* w, __global const float* g, __global float* v, const int n,
                         const float rate, const float momentum, const float decay) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float wi = w[i];
    float gi = g[i];
    if (decay != 0.0f) {
        gi = gi + decay * wi;
    }
    const float vi = momentum * v[i] + rate * gi;
    v[i] = vi;
    w[i] = wi - vi;
}
