// Caffe's "Power": y = (shift + scale·x)^power, with Caffe's special cases and its separately rounded steps
// (power_layer.cpp), hence no contraction into fused multiply-adds. A negative base with a non-integer power
// gives NaN, as in Caffe. Both kernels may run in place (x == y, dy == dx), so no pointer is restrict; when
// they do, backward's x is the layer's kept copy of the bottom.
#pragma OPENCL FP_CONTRACT OFF

__kernel void power_forward(const int n, __global const float* x, __global float* y, const float power,
                            const float scale, const float shift) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    float v = x[i];
    if (scale != 1.0f) {
        v *= scale;
    }
    if (shift != 0.0f) {
        v += shift;
    }
    y[i] = power != 1.0f ? pow(v, power) : v;
}

// With diff_scale = power·scale = 0 the top is one constant (1 for power 0, else shift^power, computed by the host).
__kernel void power_fill(const int n, __global float* y, const float value) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    y[i] = value;
}

// Caffe's branches: mode 0 (diff_scale 0 or power 1): dx = diff_scale·dy (0 when diff_scale is 0);
// mode 1 (power 2): dx = (a·x + b)·dy with a = diff_scale·scale, b = diff_scale·shift;
// mode 2 (shift 0): dx = ((y / x)·power)·dy; mode 3: dx = (y / (scale·x + shift))·diff_scale·dy.
__kernel void power_backward(const int n, const int mode, __global const float* x, __global const float* y,
                             __global const float* dy, __global float* dx, const float power, const float scale,
                             const float shift, const float diffScale, const float a, const float b) {
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float g = dy[i];
    float t;
    if (mode == 0) {
        dx[i] = diffScale == 0.0f ? 0.0f : g * diffScale;
        return;
    } else if (mode == 1) {
        t = a * x[i];
        if (b != 0.0f) {
            t += b;
        }
    } else if (mode == 2) {
        t = (y[i] / x[i]) * power;
    } else {
        t = x[i];
        if (scale != 1.0f) {
            t *= scale;
        }
        if (shift != 0.0f) {
            t += shift;
        }
        t = y[i] / t;
        if (diffScale != 1.0f) {
            t *= diffScale;
        }
    }
    dx[i] = g * t;
}
