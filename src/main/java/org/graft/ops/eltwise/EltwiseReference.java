package org.graft.ops.eltwise;

import java.util.List;
import org.graft.caffe.proto.Caffe.EltwiseParameter.EltwiseOp;

/**
 * Plain-Java Eltwise, the reference for {@code kernels/eltwise.cl} (Caffe's eltwise_layer.cpp): SUM and PROD
 * in double, MAX with Caffe's CPU tie rule (bottom 1 beats an equal bottom 0; from bottom 2 on, an equal value
 * leaves the maximum with the earlier bottom).
 */
public final class EltwiseReference {
    /** The top and, for MAX, the index of the bottom holding each maximum (null otherwise). */
    public record Forward(float[] top, int[] argmax) {
    }

    private EltwiseReference() {
    }

    public static Forward forward(EltwiseLayer.Spec spec, List<float[]> x) {
        int n = x.get(0).length;
        float[] y = new float[n];
        int[] argmax = spec.operation() == EltwiseOp.MAX ? new int[n] : null;
        for (int i = 0; i < n; i++) {
            switch (spec.operation()) {
                case SUM -> {
                    double s = 0;
                    for (int b = 0; b < x.size(); b++) {
                        s += (double) spec.coeff(b) * x.get(b)[i];
                    }
                    y[i] = (float) s;
                }
                case PROD -> {
                    double p = 1;
                    for (float[] xb : x) {
                        p *= xb[i];
                    }
                    y[i] = (float) p;
                }
                case MAX -> {
                    int k = x.get(0)[i] > x.get(1)[i] ? 0 : 1;
                    for (int b = 2; b < x.size(); b++) {
                        if (x.get(b)[i] > x.get(k)[i]) {
                            k = b;
                        }
                    }
                    argmax[i] = k;
                    y[i] = x.get(k)[i];
                }
                default -> throw new IllegalArgumentException("unknown operation " + spec.operation());
            }
        }
        return new Forward(y, argmax);
    }

    /** The gradient of bottom {@code b}; {@code f} is this reference's forward result for {@code x}. */
    public static float[] backward(EltwiseLayer.Spec spec, List<float[]> x, Forward f, float[] dy, int b) {
        int n = dy.length;
        float[] dx = new float[n];
        for (int i = 0; i < n; i++) {
            dx[i] = switch (spec.operation()) {
                case SUM -> (float) ((double) spec.coeff(b) * dy[i]);
                case PROD -> {
                    double p = dy[i];
                    if (spec.stableProdGrad()) {
                        for (int j = 0; j < x.size(); j++) {
                            p *= j == b ? 1 : x.get(j)[i];
                        }
                    } else {
                        p *= (double) f.top()[i] / x.get(b)[i];
                    }
                    yield (float) p;
                }
                case MAX -> f.argmax()[i] == b ? dy[i] : 0f;
                default -> throw new IllegalArgumentException("unknown operation " + spec.operation());
            };
        }
        return dx;
    }
}
