package org.graft.ops.pooling;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.graft.caffe.proto.Caffe.PoolingParameter.PoolMethod;
import org.graft.caffe.proto.Caffe.PoolingParameter.RoundMode;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.ops.pooling.PoolingLayer.Spec;
import org.graft.ops.pooling.PoolingReference.Geometry;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link PoolingLayer} against {@link PoolingReference}, and its gradient check.
 * Tolerances: MAX forward selects an input, so it is exact; MAX backward sums a few
 * top diffs, 1e-6 absolute plus 1e-5 relative. AVE sums at most KH*KW values in [-1, 1] in float:
 * 1e-5 absolute plus 1e-5 relative for windows of up to 121 cells, 1e-4 absolute beyond (global pooling).
 */
public final class PoolingCase {
    public static final double MAX_BACKWARD_ABS = 1e-6;
    public static final double AVE_ABS = 1e-5;
    public static final double AVE_LARGE_ABS = 1e-4;
    public static final double REL = 1e-5;

    public enum Kind { MAX, AVE, GLOBAL }

    public record Shape(Spec spec, int[] in) {
        @Override
        public String toString() {
            Spec s = spec;
            String geometry = s.globalPooling() ? "global" : String.format("k%dx%d s%dx%d p%dx%d %s", s.kernelH(), s.kernelW(),
                    s.strideH(), s.strideW(), s.padH(), s.padW(), s.roundMode());
            return s.method() + " " + RandomData.shape(in) + " " + geometry;
        }
    }

    /** Shapes for MAX and AVE (the method is applied per kind). */
    private static final int[][] WINDOWS = {
        // n, c, h, w, kH, kW, sH, sW, pH, pW, ceil(1)/floor(0)
        {2, 3, 9, 7, 3, 2, 2, 1, 1, 0, 1},  // rectangular kernel, strides and pads; pad only on W
        {2, 2, 10, 10, 2, 2, 3, 3, 0, 0, 1}, // stride > kernel, last window partly outside
        {1, 2, 6, 6, 3, 3, 2, 2, 1, 1, 1},  // AVE divisor clipped at in + pad
        {2, 3, 7, 7, 3, 3, 2, 2, 0, 0, 1},  // overlapping 3/2 as CaffeNet
        {1, 5, 9, 11, 2, 2, 2, 2, 0, 0, 1}, // batch 1, odd sizes
        {2, 2, 10, 10, 2, 2, 3, 3, 0, 0, 0},
        {1, 3, 6, 6, 3, 3, 2, 2, 0, 0, 1},  // partial last window without padding
        {2, 3, 8, 8, 3, 3, 2, 2, 1, 1, 1},  // padding
        {2, 2, 5, 5, 2, 2, 2, 2, 1, 1, 1},  // ceil places the last window in the padding: dropped
        {1, 2, 7, 7, 3, 3, 2, 2, 1, 1, 0},  // floor with padding
        {1, 3, 6, 9, 1, 3, 3, 2, 0, 1, 1},
        {2, 3, 5, 5, 1, 1, 1, 1, 0, 0, 1},  // 1x1 kernels
        {1, 2, 7, 7, 1, 1, 2, 2, 0, 0, 1},
        {1, 96, 55, 55, 3, 3, 2, 2, 0, 0, 1}, // CaffeNet pool1 at batch 1
        {1, 16, 7, 7, 7, 7, 1, 1, 0, 0, 1},   // ResNet's final AVE 7x7 stride 1 at batch 1
        {1, 4, 5, 9, 5, 9, 1, 1, 0, 0, 0}};   // a kernel the size of a non-square input

    /** Non-square maps, batch 1, 1x1 maps, and the zoo's: GoogLeNet's 1024x7x7 and SqueezeNet's 1000x13x13 at batch 1. */
    private static final int[][] GLOBAL_INPUTS = {{2, 4, 6, 5}, {3, 2, 1, 1}, {1, 7, 13, 13}, {2, 3, 55, 55}, {1, 3, 5, 11},
        {1, 2, 1, 9}, {1, 1024, 7, 7}, {1, 1000, 13, 13}};

    private PoolingCase() {
    }

    public static List<Shape> awkward(Kind kind) {
        List<Shape> out = new ArrayList<>();
        if (kind == Kind.GLOBAL) {
            for (int[] in : GLOBAL_INPUTS) {
                out.add(new Shape(Spec.global(PoolMethod.AVE), in));
                out.add(new Shape(Spec.global(PoolMethod.MAX), in));
            }
            return out;
        }
        PoolMethod m = PoolMethod.valueOf(kind.name());
        for (int[] v : WINDOWS) {
            out.add(new Shape(new Spec(m, v[4], v[5], v[6], v[7], v[8], v[9], false, v[10] == 1 ? RoundMode.CEIL : RoundMode.FLOOR),
                    new int[] {v[0], v[1], v[2], v[3]}));
        }
        return out;
    }

    /** True if the layer accepts this geometry (the same rules as PoolingLayer.setUp). */
    public static boolean valid(Spec s, int[] in) {
        if (s.padH() >= s.kernelH() || s.padW() >= s.kernelW() || s.kernelH() > in[2] + 2 * s.padH() || s.kernelW() > in[3] + 2 * s.padW()) {
            return false;
        }
        boolean padded = s.padH() > 0 || s.padW() > 0;
        int ph = PoolingLayer.pooledSize(in[2], s.kernelH(), s.strideH(), s.padH(), padded, s.roundMode());
        int pw = PoolingLayer.pooledSize(in[3], s.kernelW(), s.strideW(), s.padW(), padded, s.roundMode());
        return (ph - 1) * s.strideH() - s.padH() < in[2] && (pw - 1) * s.strideW() - s.padW() < in[3];
    }

    public static Shape random(Kind kind, Random r) {
        int[] in = {1 + r.nextInt(3), 1 + r.nextInt(6), 1 + r.nextInt(14), 1 + r.nextInt(14)};
        if (kind == Kind.GLOBAL) {
            return new Shape(Spec.global(r.nextBoolean() ? PoolMethod.MAX : PoolMethod.AVE), in);
        }
        while (true) {
            int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
            Spec s = new Spec(PoolMethod.valueOf(kind.name()), kh, kw, 1 + r.nextInt(3), 1 + r.nextInt(3), r.nextInt(kh), r.nextInt(kw),
                    false, r.nextBoolean() ? RoundMode.CEIL : RoundMode.FLOOR);
            if (valid(s, in)) {
                return new Shape(s, in);
            }
            in = new int[] {in[0], in[1], 1 + r.nextInt(14), 1 + r.nextInt(14)};
        }
    }

    public static SelfTestCase reference(Kind kind) {
        String name = kind == Kind.GLOBAL ? "Pooling global" : "Pooling " + kind;
        String tolerance = kind == Kind.MAX ? "exact (bwd 1e-6 + 1e-5*|ref|)" : kind == Kind.AVE
                ? "1e-5 + 1e-5*|ref|" : "MAX as MAX; AVE 1e-4 + 1e-5*|ref|";
        return SelfTestCase.of(name, tolerance, (e, effort, r, t) -> {
            for (Shape s : effort.fixed(awkward(kind))) {
                t.run(s.toString(), () -> check(e, s, RandomData.uniform(r, count(s.in()), -1, 1), r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = random(kind, r);
                t.run(s.toString(), () -> check(e, s, RandomData.uniform(r, count(s.in()), -1, 1), r.nextLong(), t));
            }
            if (kind == Kind.MAX) {
                // Values from {0, 1, 2}: most windows tie; the first maximum in row-major order must win.
                Shape s = new Shape(Spec.max(3, 2, 1), new int[] {2, 3, 9, 9});
                float[] ties = new float[count(s.in())];
                for (int i = 0; i < ties.length; i++) {
                    ties[i] = r.nextInt(3);
                }
                t.run(s + " with ties", () -> check(e, s, ties, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Pooling gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            List<Spec> specs = List.of(
                    new Spec(PoolMethod.MAX, 3, 3, 2, 2, 1, 1, false, RoundMode.CEIL),
                    new Spec(PoolMethod.AVE, 3, 3, 2, 2, 1, 1, false, RoundMode.CEIL),
                    Spec.global(PoolMethod.MAX),
                    Spec.global(PoolMethod.AVE),
                    new Spec(PoolMethod.MAX, 2, 2, 3, 3, 0, 0, false, RoundMode.CEIL),
                    new Spec(PoolMethod.AVE, 2, 2, 3, 3, 0, 0, false, RoundMode.CEIL),
                    new Spec(PoolMethod.MAX, 2, 2, 2, 2, 0, 0, false, RoundMode.CEIL),
                    new Spec(PoolMethod.AVE, 3, 3, 1, 1, 0, 0, false, RoundMode.CEIL));
            List<Spec> run = effort.gradient(specs).size() < 2 ? specs.subList(0, 2) : effort.gradient(specs);
            for (Spec spec : run) {
                int[] in = spec.globalPooling() ? new int[] {2, 3, 4, 5} : new int[] {2, 3, 7, 8};
                Shape s = new Shape(spec, in);
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    /** Forward and backward (onto a stale bottom diff) against the reference for MAX or AVE. */
    public static void check(Engine e, Shape s, float[] x, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new PoolingLayer("pool", s.spec()), s.in())) {
            int[] k = ((PoolingLayer) rig.layer()).kernel();
            int[] out = rig.top(0).shape();
            int[] in = s.in();
            Spec spec = s.spec();
            Geometry g = new Geometry(in[0], in[1], in[2], in[3], out[2], out[3], k[0], k[1], spec.strideH(), spec.strideW(),
                    spec.padH(), spec.padW());
            rig.bottom(0).upload(x);
            rig.forward(Pass.test());
            float[] dy = RandomData.uniform(r, rig.top(0).count(), -1, 1);
            rig.top(0).uploadDiff(dy);
            rig.bottom(0).uploadDiff(RandomData.uniform(r, rig.bottom(0).count(), 5, 6)); // stale values must be overwritten
            rig.backward(new boolean[] {true}, Pass.test());
            if (spec.method() == PoolMethod.MAX) {
                int[] argmax = new int[g.topCount()];
                t.compare("max pool forward", rig.top(0).download(), PoolingReference.maxForward(g, x, argmax), 0, 0);
                t.compare("max pool backward", rig.bottom(0).downloadDiff(), PoolingReference.maxBackward(g, dy, argmax), MAX_BACKWARD_ABS, REL);
            } else {
                double abs = g.kernelH() * g.kernelW() > 121 ? AVE_LARGE_ABS : AVE_ABS;
                t.compare("ave pool forward", rig.top(0).download(), PoolingReference.aveForward(g, x), abs, REL);
                t.compare("ave pool backward", rig.bottom(0).downloadDiff(), PoolingReference.aveBackward(g, dy), abs, REL);
            }
        }
    }

    /** MAX inputs are spaced 0.05 apart so the ±0.01 step never changes which input wins a window. */
    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new PoolingLayer("pool", s.spec()), s.in())) {
            int n = rig.bottom(0).count();
            rig.bottom(0).upload(s.spec().method() == PoolMethod.MAX ? RandomData.distinct(r, n, 0.05f) : RandomData.uniform(r, n, -1, 1));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.test()));
        }
    }

    static int count(int[] shape) {
        int c = 1;
        for (int d : shape) {
            c *= d;
        }
        return c;
    }
}
