// Dropout with a counter-based generator: Philox4x32-10 (Salmon, Moraes, Dror & Shaw, SC'11).
// Element i uses 32-bit word (i mod 4) of the Philox block with
//   counter = (i / 4, iteration low, iteration high, seed high),  key = (seed low, hash of layer name),
// so the mask depends only on (seed, iteration, layer, i): not on work-group sizes or the device.
// It is kept iff word >= threshold = floor(p * 2^32), i.e. with probability 1 - p.
// The same kernel serves forward (y = x*m*scale) and backward (dx = dy*m*scale): backward recomputes
// the mask from the same counters instead of storing it.
// One work-item per Philox block of 4 consecutive elements; it may run in place (in == out).

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static uint4 philox4x32_10(uint4 ctr, uint2 key) {
    for (int round = 0; round < 10; round++) {
        const uint hi0 = mul_hi(PHILOX_M0, ctr.x);
        const uint lo0 = PHILOX_M0 * ctr.x;
        const uint hi1 = mul_hi(PHILOX_M1, ctr.z);
        const uint lo1 = PHILOX_M1 * ctr.z;
        ctr = (uint4)(hi1 ^ ctr.y ^ key.x, lo1, hi0 ^ ctr.w ^ key.y, lo0);
        key += (uint2)(PHILOX_W0, PHILOX_W1); // the bump after the last round is unused
    }
    return ctr;
}

__kernel void dropout_apply(const int n, __global const float* in, __global float* out,
                            const uint seedLo, const uint nameHash, const uint iterLo, const uint iterHi,
                            const uint seedHi, const uint threshold, const float scale) {
    const int block = get_global_id(0);
    if (block > (n - 1) / 4) {
        return;
    }
    const uint4 r = philox4x32_10((uint4)((uint) block, iterLo, iterHi, seedHi), (uint2)(seedLo, nameHash));
    const float4 m = (float4)(r.x >= threshold ? scale : 0.0f, r.y >= threshold ? scale : 0.0f,
                              r.z >= threshold ? scale : 0.0f, r.w >= threshold ? scale : 0.0f);
    const int first = block * 4;
    if (n - first >= 4) {
        vstore4(vload4(block, in) * m, block, out);
    } else {
        const float mv[4] = {m.x, m.y, m.z, m.w};
        for (int j = 0; j < n - first; j++) {
            out[first + j] = in[first + j] * mv[j];
        }
    }
}
