package org.graft.ops.lrn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.graft.caffe.proto.Caffe.LRNParameter.NormRegion;
import org.graft.engine.Engine;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.ops.lrn.LRNLayer.Spec;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * {@link LRNLayer} against {@link LRNReference}, and its gradient check. Tolerances:
 * ≤ 25 squares summed in float and OpenCL's pow (≤ 16 ulp) put y within ~4e-6
 * relative of the double reference: 1e-6*range absolute plus 1e-5 relative for inputs in ±range.
 * Backward subtracts two terms of the size of dy*x: 1e-5*max(1, range) absolute plus 1e-5 relative.
 */
public final class LRNCase {
    public static final double REL = 1e-5;

    public enum Kind { ACROSS, WITHIN }

    public record Shape(Spec spec, int[] in, float range) {
        @Override
        public String toString() {
            return String.format("%s %s size %d alpha %s beta %s k %s range %s", spec.region() == NormRegion.ACROSS_CHANNELS
                    ? "across" : "within", RandomData.shape(in), spec.localSize(), spec.alpha(), spec.beta(), spec.k(), range);
        }
    }

    private LRNCase() {
    }

    private static Shape shape(NormRegion region, int n, int c, int h, int w, int size, float alpha, float beta, float k, float range) {
        return new Shape(new Spec(size, alpha, beta, k, region), new int[] {n, c, h, w}, range);
    }

    /** Shapes: CaffeNet's values, fewer channels than the window, odd sizes, windows larger than the image. */
    public static List<Shape> awkward(Kind kind) {
        List<Shape> out = new ArrayList<>();
        if (kind == Kind.ACROSS) {
            NormRegion a = NormRegion.ACROSS_CHANNELS;
            out.add(shape(a, 2, 7, 5, 3, 5, 1e-4f, 0.75f, 1, 20));
            out.add(shape(a, 1, 3, 5, 5, 5, 1.0f, 0.75f, 1, 2));
            out.add(shape(a, 2, 10, 7, 9, 5, 1.0f, 0.75f, 2, 1));
            out.add(shape(a, 2, 7, 5, 3, 5, 1.0f, 0.75f, 1, 2));
            out.add(shape(a, 2, 1, 3, 3, 5, 1.0f, 0.75f, 1, 2));
            out.add(shape(a, 1, 4, 1, 1, 3, 3.0f, 0.5f, 1, 1));
            out.add(shape(a, 1, 5, 3, 5, 7, 1.0f, 1.5f, 0.5f, 1));
            out.add(shape(a, 2, 6, 3, 3, 1, 1.0f, 0.75f, 1, 1));
            out.add(shape(a, 1, 96, 27, 27, 5, 1e-4f, 0.75f, 1, 50)); // CaffeNet norm1 at batch 1
            out.add(shape(a, 1, 256, 13, 13, 5, 1e-4f, 0.75f, 1, 50)); // CaffeNet norm2 at batch 1
        } else {
            NormRegion w = NormRegion.WITHIN_CHANNEL;
            out.add(shape(w, 2, 3, 7, 9, 5, 1e-4f, 0.75f, 1, 20));
            out.add(shape(w, 2, 3, 3, 4, 5, 1.0f, 0.75f, 1, 1));
            out.add(shape(w, 1, 3, 8, 7, 7, 5.0f, 1.5f, 1, 1));
            out.add(shape(w, 1, 2, 5, 5, 3, 1.0f, 0.75f, 1, 2));
            out.add(shape(w, 1, 1, 1, 1, 3, 1.0f, 0.75f, 1, 1));
            out.add(shape(w, 1, 2, 11, 6, 1, 2.0f, 0.75f, 1, 1));
        }
        return out;
    }

    public static Shape random(Kind kind, Random r) {
        NormRegion region = kind == Kind.ACROSS ? NormRegion.ACROSS_CHANNELS : NormRegion.WITHIN_CHANNEL;
        float[] alphas = {1e-4f, 1f, 2f};
        return shape(region, 1 + r.nextInt(3), 1 + r.nextInt(12), 1 + r.nextInt(10), 1 + r.nextInt(10), 1 + 2 * r.nextInt(4),
                alphas[r.nextInt(alphas.length)], 0.5f + r.nextInt(3) * 0.25f, 0.5f + r.nextInt(4) * 0.5f, 1 + r.nextInt(3));
    }

    public static SelfTestCase reference(Kind kind) {
        return SelfTestCase.of(kind == Kind.ACROSS ? "LRN across channels" : "LRN within channel",
                "1e-6*range + 1e-5*|ref| (bwd 1e-5*range)", (e, effort, r, t) -> {
                    for (Shape s : effort.fixed(awkward(kind))) {
                        t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
                    }
                    for (int i = 0; i < effort.randomShapes(); i++) {
                        Shape s = random(kind, r);
                        t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
                    }
                });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("LRN gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            List<Shape> shapes = List.of(
                    shape(NormRegion.ACROSS_CHANNELS, 2, 7, 3, 4, 5, 1.0f, 0.75f, 1, 1.5f),
                    shape(NormRegion.WITHIN_CHANNEL, 2, 2, 5, 4, 3, 1.0f, 0.75f, 1, 1.5f),
                    shape(NormRegion.ACROSS_CHANNELS, 2, 2, 3, 3, 3, 2.0f, 0.75f, 2, 1.5f),
                    shape(NormRegion.WITHIN_CHANNEL, 1, 2, 3, 4, 5, 2.0f, 1.5f, 1, 1.5f));
            List<Shape> run = effort.gradient(shapes).size() < 2 ? shapes.subList(0, 2) : effort.gradient(shapes);
            for (Shape s : run) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    private static LRNReference.Params params(Spec s) {
        return new LRNReference.Params(s.localSize(), s.alpha(), s.beta(), s.k(), s.region() == NormRegion.WITHIN_CHANNEL);
    }

    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        int[] in = s.in();
        float range = s.range();
        try (LayerRig rig = LayerRig.of(e, new LRNLayer("norm", s.spec()), in)) {
            float[] x = RandomData.uniform(r, rig.bottom(0).count(), -range, range);
            float[] dy = RandomData.uniform(r, x.length, -1, 1);
            rig.bottom(0).upload(x);
            rig.forward(Pass.test());
            rig.top(0).uploadDiff(dy);
            rig.bottom(0).uploadDiff(new float[x.length]);
            rig.backward(new boolean[] {true}, Pass.test());
            LRNReference.Shape shape = new LRNReference.Shape(in[0], in[1], in[2], in[3]);
            t.compare("LRN forward", rig.top(0).download(), LRNReference.forward(shape, params(s.spec()), x), 1e-6 * range, REL);
            t.compare("LRN backward", rig.bottom(0).downloadDiff(), LRNReference.backward(shape, params(s.spec()), x, dy),
                    1e-5 * Math.max(1, range), REL);
        }
    }

    /** Inputs in ±range (1.5 for the gradient shapes). */
    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new LRNLayer("norm", s.spec()), s.in())) {
            rig.bottom(0).upload(RandomData.uniform(r, rig.bottom(0).count(), -s.range(), s.range()));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.test()));
        }
    }
}
