package org.graft.ops.pooling;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.graft.caffe.proto.Caffe.PoolingParameter.PoolMethod;
import org.graft.caffe.proto.Caffe.PoolingParameter.RoundMode;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.ops.lrn.LRNCase;
import org.graft.ops.lrn.LRNLayer;
import org.graft.ops.lrn.LRNReference;
import org.graft.ops.pooling.PoolingReference.Geometry;
import org.graft.selftest.GradientCheck;
import org.graft.selftest.LayerRig;
import org.graft.selftest.RandomData;
import org.graft.selftest.SelfTestCase;
import org.graft.selftest.Tally;

/**
 * MAX pooling with the cross-channel LRN after it computed by the pooling layer
 * ({@link PoolingLayer#fuseLrn}, kernel {@code max_pool_lrn_forward}): against the same two layers run apart
 * (bit for bit: pooled values, LRN output, bottom gradient), against {@link PoolingReference} composed with
 * {@link LRNReference} (MAX pooling's and LRN's tolerances, see {@link PoolingCase} and {@link LRNCase}), and
 * the pair's finite-difference gradient check.
 */
public final class PoolLrnCase {
    /** Inputs uniform in ±range; range 0: distinct inputs 0.05 apart (the gradient shapes). */
    public record Shape(PoolingLayer.Spec pool, LRNLayer.Spec lrn, int[] in, float range) {
        @Override
        public String toString() {
            PoolingLayer.Spec s = pool;
            String window = s.globalPooling() ? "global" : String.format("k%dx%d s%dx%d p%dx%d %s", s.kernelH(), s.kernelW(),
                    s.strideH(), s.strideW(), s.padH(), s.padW(), s.roundMode());
            return String.format("MAX %s %s, LRN size %d alpha %s beta %s k %s%s", RandomData.shape(in), window, lrn.localSize(),
                    lrn.alpha(), lrn.beta(), lrn.k(), range > 0 ? ", range " + range : "");
        }
    }

    private PoolLrnCase() {
    }

    private static Shape shape(int n, int c, int h, int w, PoolingLayer.Spec pool, int size, float alpha, float beta, float k,
                               float range) {
        return new Shape(pool, LRNLayer.Spec.across(size, alpha, beta, k), new int[] {n, c, h, w}, range);
    }

    private static PoolingLayer.Spec max(int kh, int kw, int sh, int sw, int ph, int pw, RoundMode mode) {
        return new PoolingLayer.Spec(PoolMethod.MAX, kh, kw, sh, sw, ph, pw, false, mode);
    }

    /**
     * Batch 1, odd sizes, strides 1 to 3, padding, kernels 2 and 3 (and a global window, whose geometry is not
     * compiled in), fewer channels than the window, local sizes 1 to 7, beta 0.75 and others; CaffeNet's pool1/norm1.
     */
    public static List<Shape> awkward() {
        RoundMode ceil = RoundMode.CEIL;
        List<Shape> out = new ArrayList<>();
        out.add(shape(1, 5, 9, 11, PoolingLayer.Spec.max(3, 2), 5, 1f, 0.75f, 1f, 2));
        out.add(shape(2, 3, 7, 7, PoolingLayer.Spec.max(3, 1, 1), 5, 1f, 0.75f, 2f, 2));
        out.add(shape(2, 7, 10, 9, PoolingLayer.Spec.max(2, 2), 3, 2f, 0.6f, 1f, 1));
        out.add(shape(1, 4, 11, 13, PoolingLayer.Spec.max(3, 3, 1), 5, 1f, 1.5f, 0.5f, 1));
        out.add(shape(2, 2, 8, 8, PoolingLayer.Spec.max(2, 3), 7, 1f, 0.75f, 1f, 2));
        out.add(shape(1, 1, 5, 5, PoolingLayer.Spec.max(3, 2, 1), 5, 1f, 0.75f, 1f, 2));
        out.add(shape(2, 6, 6, 5, max(3, 2, 2, 1, 1, 0, RoundMode.FLOOR), 1, 1f, 0.75f, 1f, 2));
        out.add(shape(1, 9, 7, 8, max(2, 3, 1, 2, 1, 1, ceil), 3, 3f, 0.5f, 1f, 1));
        out.add(shape(1, 6, 11, 11, PoolingLayer.Spec.global(PoolMethod.MAX), 3, 1f, 0.75f, 1f, 2));
        out.add(shape(1, 96, 55, 55, PoolingLayer.Spec.max(3, 2), 5, 1e-4f, 0.75f, 1f, 50)); // CaffeNet pool1 -> norm1 at batch 1
        return out;
    }

    public static Shape random(Random r) {
        PoolingCase.Shape p = PoolingCase.random(PoolingCase.Kind.MAX, r);
        float[] alphas = {1e-4f, 1f, 2f};
        return new Shape(p.spec(), LRNLayer.Spec.across(1 + 2 * r.nextInt(4), alphas[r.nextInt(alphas.length)],
                0.5f + r.nextInt(3) * 0.25f, 0.5f + r.nextInt(4) * 0.5f), p.in(), 1 + r.nextInt(3));
    }

    public static SelfTestCase reference() {
        return SelfTestCase.of("Pooling+LRN", "= unfused; as Pooling MAX, LRN", (e, effort, r, t) -> {
            for (Shape s : effort.fixed(awkward())) {
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
            for (int i = 0; i < effort.randomShapes(); i++) {
                Shape s = random(r);
                t.run(s.toString(), () -> check(e, s, r.nextLong(), t));
            }
        });
    }

    public static SelfTestCase gradient() {
        return SelfTestCase.of("Pooling+LRN gradient", Cases.GRADIENT_TOLERANCE, (e, effort, r, t) -> {
            List<Shape> shapes = List.of(
                    shape(2, 4, 6, 7, PoolingLayer.Spec.max(3, 2, 1), 5, 0.1f, 0.75f, 1f, 0),
                    shape(1, 3, 7, 5, PoolingLayer.Spec.max(2, 2), 3, 0.2f, 1.5f, 2f, 0),
                    shape(2, 6, 5, 5, PoolingLayer.Spec.max(2, 1), 5, 0.1f, 0.6f, 1f, 0));
            List<Shape> run = effort.gradient(shapes).size() < 2 ? shapes.subList(0, 2) : effort.gradient(shapes);
            for (Shape s : run) {
                t.run(s.toString(), () -> gradient(e, s, r.nextLong(), t));
            }
        });
    }

    /** Inputs in ±range; forward, then backward onto a stale bottom diff, fused and apart. */
    public static void check(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        float[] x = RandomData.uniform(r, Blob.count(s.in()), -s.range(), s.range());
        try (LayerRig fused = LayerRig.of(e, new Pair(s, true), s.in()); LayerRig apart = LayerRig.of(e, new Pair(s, false), s.in())) {
            float[] dy = RandomData.uniform(r, fused.top(0).count(), -1, 1);
            float[] stale = RandomData.uniform(r, x.length, 5, 6);
            for (LayerRig rig : List.of(fused, apart)) {
                rig.bottom(0).upload(x);
                rig.forward(Pass.test());
                rig.top(0).uploadDiff(dy);
                rig.bottom(0).uploadDiff(stale);
                rig.backward(new boolean[] {true}, Pass.test());
            }
            Pair f = (Pair) fused.layer();
            Pair a = (Pair) apart.layer();
            t.identical("pooled, fused vs apart", f.pooled.download(), a.pooled.download());
            t.identical("LRN top, fused vs apart", fused.top(0).download(), apart.top(0).download());
            t.identical("bottom diff, fused vs apart", fused.bottom(0).downloadDiff(), apart.bottom(0).downloadDiff());

            int[] k = f.pool.kernel();
            int[] p = f.pooled.shape();
            int[] in = s.in();
            Geometry g = new Geometry(in[0], in[1], in[2], in[3], p[2], p[3], k[0], k[1], s.pool().strideH(), s.pool().strideW(),
                    s.pool().padH(), s.pool().padW());
            int[] argmax = new int[g.topCount()];
            float[] pooled = PoolingReference.maxForward(g, x, argmax);
            LRNReference.Shape ls = new LRNReference.Shape(p[0], p[1], p[2], p[3]);
            LRNReference.Params lp = new LRNReference.Params(s.lrn().localSize(), s.lrn().alpha(), s.lrn().beta(), s.lrn().k(), false);
            t.compare("pooled", f.pooled.download(), pooled, 0, 0);
            t.compare("LRN top", fused.top(0).download(), LRNReference.forward(ls, lp, pooled), 1e-6 * s.range(), LRNCase.REL);
            float[] pooledDiff = LRNReference.backward(ls, lp, pooled, dy);
            t.compare("bottom diff", fused.bottom(0).downloadDiff(), PoolingReference.maxBackward(g, pooledDiff, argmax),
                    1e-5 * Math.max(1, s.range()), LRNCase.REL);
        }
    }

    /** MAX inputs are spaced 0.05 apart so the ±0.01 step never changes which input wins a window. */
    public static void gradient(Engine e, Shape s, long seed, Tally t) {
        Random r = new Random(seed);
        try (LayerRig rig = LayerRig.of(e, new Pair(s, true), s.in())) {
            rig.bottom(0).upload(RandomData.distinct(r, rig.bottom(0).count(), 0.05f));
            t.gradient(rig.gradient(new GradientCheck(), new boolean[] {true}, Pass.test()));
        }
    }

    /**
     * The two layers as one, with the pooled blob between them, fused ({@code pool} computing the LRN's forward) or
     * apart; backward runs the LRN's then the pooling's, as a net does.
     */
    private static final class Pair extends Layer {
        private final PoolingLayer pool;
        private final LRNLayer lrn;
        private final boolean fuse;
        private Blob pooled;

        Pair(Shape s, boolean fuse) {
            super(fuse ? "pool+norm" : "pool, norm");
            this.pool = new PoolingLayer("pool", s.pool());
            this.lrn = new LRNLayer("norm", s.lrn());
            this.fuse = fuse;
        }

        @Override
        public String type() {
            return "Pooling+LRN";
        }

        @Override
        public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
            this.engine = engine;
            int[] p = pool.setUp(engine, bottomShapes).get(0);
            if (pooled == null) {
                pooled = new Blob(engine, "pooled", p);
            } else {
                pooled.reshape(p);
            }
            return lrn.setUp(engine, List.of(p));
        }

        @Override
        public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
            pool.fuseLrn(fuse ? lrn : null, fuse ? top.get(0) : null);
            lrn.fusedInto(fuse ? pool.name() : null);
            pool.forward(bottom, List.of(pooled), pass);
            lrn.forward(List.of(pooled), top, pass);
        }

        @Override
        public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
            lrn.backward(top, List.of(pooled), new boolean[] {true}, pass);
            pool.backward(List.of(pooled), bottom, propagateDown, pass);
        }

        @Override
        public void close() {
            pool.close();
            lrn.close();
            if (pooled != null) {
                pooled.close();
            }
            super.close();
        }
    }
}
