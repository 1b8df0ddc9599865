// scale^-beta for the LRN kernels (included by lrn.cl, and by pooling.cl for the fused MAX pooling + LRN).
//   THREE_QUARTERS 1 when beta == 0.75 (Caffe's default and the paper's value): scale^-0.75 is
//                  rsqrt(s) * rsqrt(sqrt(s)), much cheaper than pow and vectorisable. Otherwise
//                  exp2(-beta * log2(s)): still a library call per element on PoCL, but several
//                  times cheaper than its pow, and within a few ulp for these arguments.

#ifndef THREE_QUARTERS
#define THREE_QUARTERS 0
#endif

// scale^-beta for scale > 0 (scale = 0 gives +inf, as pow does).
inline float neg_power(const float s, const float negBeta) {
#if THREE_QUARTERS
    return rsqrt(s) * rsqrt(sqrt(s));
#else
    return exp2(negBeta * log2(s));
#endif
}
