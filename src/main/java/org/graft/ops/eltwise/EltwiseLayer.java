package org.graft.ops.eltwise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.caffe.proto.Caffe.EltwiseParameter.EltwiseOp;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "Eltwise" over two or more bottoms of one shape: SUM (Σ coeff_i·x_i), PROD (Π x_i) or MAX (the
 * largest, its bottom's index kept on the device for backward). Ties in MAX follow Caffe's CPU code: between
 * bottoms 0 and 1 bottom 1 wins, from bottom 2 on the earlier one keeps it. Not in place: Caffe's forward
 * clears the top before reading bottom 0, so in place it would compute garbage. Kernels: eltwise.cl;
 * reference: {@link EltwiseReference}.
 */
public final class EltwiseLayer extends Layer {
    /** Caffe's EltwiseParameter; {@code coeff} empty means 1 for every bottom. */
    public record Spec(EltwiseOp operation, List<Float> coeff, boolean stableProdGrad) implements LayerSettings {
        public static final Spec DEFAULT = new Spec(EltwiseOp.SUM, List.of(), true);

        public Spec {
            coeff = List.copyOf(coeff);
        }

        /** Binds a layer's eltwise_param (see {@code LayerType.Binder}); coeff needs one value per bottom. */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            Caffe.EltwiseParameter p = layer.getEltwiseParam();
            String at = path + ".eltwise_param";
            List<Float> coeff = new ArrayList<>();
            for (int i = 0; i < p.getCoeffCount(); i++) {
                coeff.add(c.finite(p.getCoeff(i), at + ".coeff[" + i + "]"));
            }
            if (!coeff.isEmpty() && p.getOperation() != EltwiseOp.SUM) {
                // Caffe refuses coefficients for PROD and silently ignores them for MAX.
                throw c.error(at + ".coeff", "coefficients apply to operation SUM only, found " + coeff.size()
                        + " with operation " + p.getOperation());
            }
            if (!coeff.isEmpty() && coeff.size() != layer.getBottomCount()) {
                throw c.error(at + ".coeff", "expected one coefficient per bottom (" + layer.getBottomCount() + "), found "
                        + coeff.size());
            }
            if (!p.getStableProdGrad() && p.getOperation() != EltwiseOp.PROD) {
                throw c.error(at + ".stable_prod_grad", "applies to operation PROD only, found false with operation "
                        + p.getOperation());
            }
            return new Spec(p.getOperation(), coeff, p.getStableProdGrad());
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.EltwiseParameter.Builder p = layer.getEltwiseParamBuilder();
            if (operation != DEFAULT.operation) {
                p.setOperation(operation);
            }
            p.addAllCoeff(coeff);
            if (stableProdGrad != DEFAULT.stableProdGrad) {
                p.setStableProdGrad(stableProdGrad);
            }
        }

        /** The coefficient of bottom {@code i}: as given, else 1. */
        public float coeff(int i) {
            return coeff.isEmpty() ? 1f : coeff.get(i);
        }
    }

    private static final String KERNELS = "eltwise.cl";
    private final Spec spec;
    /** MAX: which bottom held each top element's maximum (ints). */
    private ClBuffer argmax;
    private long argmaxCapacity;

    public EltwiseLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Eltwise";
    }

    @Override
    public int exactBottoms() {
        return -1;
    }

    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        if (bottomShapes.size() < 2) {
            throw new IllegalArgumentException("layer '" + name + "' (Eltwise): needs at least 2 bottoms, got " + bottomShapes.size());
        }
        if (!spec.coeff().isEmpty() && spec.coeff().size() != bottomShapes.size()) {
            throw new IllegalArgumentException("layer '" + name + "' (Eltwise): eltwise_param.coeff has " + spec.coeff().size()
                    + " values for " + bottomShapes.size() + " bottoms; give one per bottom");
        }
        int[] top = bottomShapes.get(0).clone();
        for (int b = 1; b < bottomShapes.size(); b++) {
            int[] s = bottomShapes.get(b);
            boolean same = s.length == top.length;
            for (int a = 0; same && a < s.length; a++) {
                if (top[a] < 0) {
                    top[a] = s[a];
                } else {
                    same = s[a] < 0 || s[a] == top[a];
                }
            }
            if (!same) {
                throw new IllegalArgumentException("layer '" + name + "' (Eltwise): every bottom needs the shape of bottom[0] "
                        + Arrays.toString(bottomShapes.get(0)) + ", but bottom[" + b + "] has " + Arrays.toString(s));
            }
        }
        return LayerShapes.tops(top);
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        LayerShapes shapes = shapes(bottomShapes);
        long n = Blob.count(shapes.tops().get(0));
        if (spec.operation() == EltwiseOp.MAX && n > argmaxCapacity) {
            releaseArgmax();
            argmax = engine.alloc(n, name + ".argmax");
            argmaxCapacity = n;
        }
        return shapes.tops();
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob y = top.get(0);
        int n = y.count();
        switch (spec.operation()) {
            case SUM -> {
                ClKernel k = engine.kernel(KERNELS, "eltwise_axpy");
                for (int b = 0; b < bottom.size(); b++) {
                    k.arg(0, n).arg(1, bottom.get(b).data()).arg(2, spec.coeff(b)).arg(3, y.data()).arg(4, b == 0 ? 1 : 0);
                    engine.run1d(k, n);
                }
            }
            case PROD -> {
                ClKernel k = engine.kernel(KERNELS, "eltwise_mul");
                k.arg(0, n).arg(1, bottom.get(0).data()).arg(2, bottom.get(1).data()).arg(3, y.data());
                engine.run1d(k, n);
                for (int b = 2; b < bottom.size(); b++) {
                    k.arg(0, n).arg(1, y.data()).arg(2, bottom.get(b).data()).arg(3, y.data());
                    engine.run1d(k, n);
                }
            }
            case MAX -> {
                ClKernel first = engine.kernel(KERNELS, "eltwise_max_first");
                first.arg(0, n).arg(1, bottom.get(0).data()).arg(2, bottom.get(1).data()).arg(3, y.data()).arg(4, argmax);
                engine.run1d(first, n);
                ClKernel next = engine.kernel(KERNELS, "eltwise_max_next");
                for (int b = 2; b < bottom.size(); b++) {
                    next.arg(0, n).arg(1, bottom.get(b).data()).arg(2, b).arg(3, y.data()).arg(4, argmax);
                    engine.run1d(next, n);
                }
            }
            default -> throw new IllegalStateException("layer '" + name + "': unknown Eltwise operation " + spec.operation());
        }
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        Blob y = top.get(0);
        int n = y.count();
        for (int b = 0; b < bottom.size(); b++) {
            if (!propagateDown[b]) {
                continue;
            }
            ClBuffer dx = bottom.get(b).diff();
            switch (spec.operation()) {
                case SUM -> {
                    ClKernel k = engine.kernel(KERNELS, "eltwise_scale");
                    k.arg(0, n).arg(1, y.diff()).arg(2, spec.coeff(b)).arg(3, dx);
                    engine.run1d(k, n);
                }
                case PROD -> prodBackward(bottom, b, y, n);
                case MAX -> {
                    ClKernel k = engine.kernel(KERNELS, "eltwise_max_backward");
                    k.arg(0, n).arg(1, y.diff()).arg(2, argmax).arg(3, b).arg(4, dx);
                    engine.run1d(k, n);
                }
                default -> throw new IllegalStateException("layer '" + name + "': unknown Eltwise operation " + spec.operation());
            }
        }
    }

    /** dx_b = (Π_{j≠b} x_j)·dy, multiplied in Caffe's order; or (y / x_b)·dy without stable_prod_grad. */
    private void prodBackward(List<Blob> bottom, int b, Blob y, int n) {
        ClBuffer dx = bottom.get(b).diff();
        if (!spec.stableProdGrad()) {
            ClKernel k = engine.kernel(KERNELS, "eltwise_div_mul");
            k.arg(0, n).arg(1, y.data()).arg(2, bottom.get(b).data()).arg(3, y.diff()).arg(4, dx);
            engine.run1d(k, n);
            return;
        }
        ClKernel mul = engine.kernel(KERNELS, "eltwise_mul");
        boolean started = false;
        for (int j = 0; j < bottom.size(); j++) {
            if (j == b) {
                continue;
            }
            if (!started) {
                engine.cl().copy(bottom.get(j).data(), 0, dx, 0, n * 4L);
                started = true;
            } else {
                mul.arg(0, n).arg(1, bottom.get(j).data()).arg(2, dx).arg(3, dx);
                engine.run1d(mul, n);
            }
        }
        mul.arg(0, n).arg(1, dx).arg(2, y.diff()).arg(3, dx);
        engine.run1d(mul, n);
    }

    private void releaseArgmax() {
        if (argmax != null) {
            argmax.close();
            argmax = null;
        }
        argmaxCapacity = 0;
    }

    @Override
    public void close() {
        releaseArgmax();
        super.close();
    }
}
