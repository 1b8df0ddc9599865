package org.graft.ops.innerproduct;

import java.util.Arrays;
import java.util.List;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.kernels.Gemm;
import org.graft.layers.Layer;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "InnerProduct" (fully connected): the bottom is viewed as an M×K matrix, K the product of its
 * dims from {@code axis} on; top (M×N) = x·Wᵀ + b with W of shape (N, K), or x·W with W (K, N) when
 * {@code transpose}. The top keeps the bottom's dims before {@code axis} and adds N.
 * Reference: {@link org.graft.ops.innerproduct.InnerProductReference}.
 */
public final class InnerProductLayer extends Layer {
    /** Caffe's InnerProductParameter (fillers belong to the net). */
    public record Spec(int numOutput, boolean biasTerm, boolean transpose, int axis) {
        public Spec {
            if (numOutput <= 0) {
                throw new IllegalArgumentException("num_output must be positive, got " + numOutput);
            }
        }

        public Spec(int numOutput) {
            this(numOutput, true, false, 1);
        }
    }

    private static final String KERNELS = "inner_product.cl";
    private final Spec spec;
    private int m; // rows: product of the bottom dims before axis
    private int k; // inputs per row

    public InnerProductLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    public Spec spec() {
        return spec;
    }

    @Override
    public String type() {
        return "InnerProduct";
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        int[] shape = bottomShapes.get(0);
        int axis = spec.axis() < 0 ? spec.axis() + shape.length : spec.axis();
        if (axis < 0 || axis >= shape.length) {
            throw shapeError("axis " + spec.axis() + " must name one of the bottom's " + shape.length + " axes", shape);
        }
        int inputs = Blob.count(Arrays.copyOfRange(shape, axis, shape.length));
        int outer = Blob.count(Arrays.copyOfRange(shape, 0, axis));
        int n = spec.numOutput();
        int[] weightShape = spec.transpose() ? new int[] {inputs, n} : new int[] {n, inputs};
        if (params.isEmpty()) {
            Blob w = newParam("weights", weightShape);
            params.add(new Param(w.name(), w));
            if (spec.biasTerm()) {
                Blob b = newParam("bias", n);
                params.add(new Param(b.name(), b));
            }
        } else if (!Arrays.equals(params.get(0).blob().shape(), weightShape)) {
            throw shapeError("the weights are shaped " + Arrays.toString(params.get(0).blob().shape()) + ", but " + inputs
                    + " inputs per row from axis " + axis + " need " + Arrays.toString(weightShape), shape);
        }
        this.k = inputs;
        this.m = outer;
        int[] top = Arrays.copyOf(shape, axis + 1);
        top[axis] = n;
        return List.of(top);
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        int n = spec.numOutput();
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        // y (M×N) = x (M×K) · op(W), op(W) = Wᵀ for W (N, K) or W for W (K, N).
        Gemm.gemm(engine, false, !spec.transpose(), m, n, k, 1f, x.data(), 0, weights().data(), 0, 0f, y.data(), 0);
        if (spec.biasTerm()) {
            ClKernel kern = engine.kernel(KERNELS, "ip_bias_add");
            kern.arg(0, m).arg(1, n).arg(2, y.data()).arg(3, params.get(1).blob().data());
            engine.run(kern, new long[] {n, m}, null);
        }
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        int n = spec.numOutput();
        Blob x = bottom.get(0);
        Blob dy = top.get(0);
        Blob w = weights();
        // Frozen parameters get no gradient, as in Caffe (param_propagate_down is false for lr_mult 0).
        if (!params.get(0).frozen()) {
            if (spec.transpose()) {
                // dW (K×N) += xᵀ (K×M) · dy (M×N)
                Gemm.gemm(engine, true, false, k, n, m, 1f, x.data(), 0, dy.diff(), 0, 1f, w.diff(), 0);
            } else {
                // dW (N×K) += dyᵀ (N×M) · x (M×K)
                Gemm.gemm(engine, true, false, n, k, m, 1f, dy.diff(), 0, x.data(), 0, 1f, w.diff(), 0);
            }
        }
        if (spec.biasTerm() && !params.get(1).frozen()) {
            ClKernel kern = engine.kernel(KERNELS, "ip_bias_grad");
            kern.arg(0, m).arg(1, n).arg(2, dy.diff()).arg(3, params.get(1).blob().diff());
            engine.run1d(kern, n);
        }
        if (propagateDown[0]) {
            // dx (M×K) = dy (M×N) · W (N×K), or dy · Wᵀ for W (K, N).
            Gemm.gemm(engine, false, spec.transpose(), m, k, n, 1f, dy.diff(), 0, w.data(), 0, 0f, x.diff(), 0);
        }
    }

    private Blob weights() {
        return params.get(0).blob();
    }

    @Override
    public long forwardFlops() {
        return 2L * m * spec.numOutput() * k;
    }
}
