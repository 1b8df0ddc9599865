package org.graft.ops.power;

/**
 * Plain-Java Power, the reference for {@code kernels/power.cl} (Caffe's power_layer.cpp), in double:
 * y = (shift + scale·x)^power (the constant 1 or shift^power when power·scale = 0); dx by Caffe's branches:
 * diff_scale·dy for power·scale = 0 (then 0) or power 1; (2·scale·(shift + scale·x))·dy for power 2;
 * power·(y / x)·dy for shift 0; diff_scale·(y / (shift + scale·x))·dy otherwise. NaN where Caffe gives NaN
 * (a negative base with a non-integer power).
 */
public final class PowerReference {
    private PowerReference() {
    }

    public static float[] forward(float[] x, PowerLayer.Spec s) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = s.diffScale() == 0f ? s.constant() : (float) Math.pow(s.shift() + (double) s.scale() * x[i], s.power());
        }
        return y;
    }

    /** {@code y} the top the layer computed (Caffe's backward reads it). */
    public static float[] backward(float[] x, float[] y, float[] dy, PowerLayer.Spec s) {
        float[] dx = new float[x.length];
        double ds = s.diffScale();
        for (int i = 0; i < x.length; i++) {
            double base = s.shift() + (double) s.scale() * x[i];
            double d = switch (s.backwardMode()) {
                case 0 -> ds == 0 ? 0 : ds * dy[i];
                case 1 -> ds * base * dy[i];
                case 2 -> s.power() * ((double) y[i] / x[i]) * dy[i];
                default -> ds * ((double) y[i] / base) * dy[i];
            };
            dx[i] = (float) d;
        }
        return dx;
    }
}
