package org.graft.ops.innerproduct;

import java.util.Arrays;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.engine.Shapes;
import org.graft.kernels.Gemm;
import org.graft.layers.AxisSplit;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.layers.ReluFusable;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "InnerProduct" (fully connected): the bottom is viewed as an M×K matrix, K the product of its
 * dims from {@code axis} on; top (M×N) = x·Wᵀ + b with W of shape (N, K), or x·W with W (K, N) when
 * {@code transpose}. The top keeps the bottom's dims before {@code axis} and adds N.
 * Reference: {@link org.graft.ops.innerproduct.InnerProductReference}.
 *
 * <p>With a fused ReLU ({@link ReluFusable}) the bias pass also applies the ReLU, and backward first masks
 * the top diff in place (as the in-place ReLU would), summing the bias gradient in the same pass.
 */
public final class InnerProductLayer extends Layer implements ReluFusable {
    /**
     * Caffe's InnerProductParameter: num_output (required), bias_term (true), transpose (false), axis (1; any
     * axis of the bottom, negative from the end) and the fillers of the weights and the bias (caffe.proto's
     * default, constant 0, when not given).
     */
    public record Spec(int numOutput, boolean biasTerm, boolean transpose, int axis, Caffe.FillerParameter weightFiller,
                       Caffe.FillerParameter biasFiller) implements LayerSettings {
        private static final Caffe.FillerParameter NO_FILLER = Caffe.FillerParameter.getDefaultInstance();

        public Spec {
            if (numOutput <= 0) {
                throw new IllegalArgumentException("num_output must be positive, got " + numOutput);
            }
            weightFiller = weightFiller == null ? NO_FILLER : weightFiller;
            biasFiller = biasFiller == null ? NO_FILLER : biasFiller;
        }

        public Spec(int numOutput, boolean biasTerm, boolean transpose, int axis) {
            this(numOutput, biasTerm, transpose, axis, NO_FILLER, NO_FILLER);
        }

        public Spec(int numOutput) {
            this(numOutput, true, false, 1);
        }

        /** Binds a layer's inner_product_param (see {@code LayerType.Binder}). */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            String at = path + ".inner_product_param";
            if (!layer.hasInnerProductParam()) {
                throw c.error(at, "missing required field \"inner_product_param\" (a InnerProduct layer needs num_output)");
            }
            Caffe.InnerProductParameter p = layer.getInnerProductParam();
            if (!p.hasNumOutput()) {
                throw c.error(at + ".num_output", "missing required field \"num_output\" (the number of outputs)");
            }
            int numOutput = c.atLeast(p.getNumOutput(), 1, at + ".num_output");
            if (p.hasWeightFiller()) {
                c.filler(p.getWeightFiller(), at + ".weight_filler");
            }
            if (p.hasBiasFiller()) {
                c.filler(p.getBiasFiller(), at + ".bias_filler");
            }
            return new Spec(numOutput, p.getBiasTerm(), p.getTranspose(), p.getAxis(), p.getWeightFiller(), p.getBiasFiller());
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.InnerProductParameter.Builder p = layer.getInnerProductParamBuilder().setNumOutput(numOutput);
            if (!biasTerm) {
                p.setBiasTerm(false);
            }
            if (!weightFiller.equals(NO_FILLER)) {
                p.setWeightFiller(weightFiller);
            }
            if (!biasFiller.equals(NO_FILLER)) {
                p.setBiasFiller(biasFiller);
            }
            if (axis != 1) {
                p.setAxis(axis);
            }
            if (transpose) {
                p.setTranspose(true);
            }
        }

        /** Weights, and the bias when bias_term is on. */
        @Override
        public int learnableBlobs() {
            return biasTerm ? 2 : 1;
        }

        @Override
        public Caffe.FillerParameter filler(int blob) {
            return blob == 0 ? weightFiller : biasFiller;
        }

        public Spec withNumOutput(int n) {
            return new Spec(n, biasTerm, transpose, axis, weightFiller, biasFiller);
        }

        public Spec withFillers(Caffe.FillerParameter weights, Caffe.FillerParameter bias) {
            return new Spec(numOutput, biasTerm, transpose, axis, weights, bias);
        }
    }

    private static final String KERNELS = "inner_product.cl";
    private final Spec spec;
    private int m; // rows: product of the bottom dims before axis
    private int k; // inputs per row
    private boolean reluFused;

    public InnerProductLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "InnerProduct";
    }

    @Override
    public void fuseRelu(boolean on) {
        reluFused = on;
    }

    @Override
    public boolean reluFused() {
        return reluFused;
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        int[] shape = bottomShapes.get(0);
        LayerShapes shapes = shapes(bottomShapes);
        int axis = AxisSplit.canonical(this, shape, spec.axis());
        int inputs = Shapes.count(Arrays.copyOfRange(shape, axis, shape.length), "layer '" + name + "': inputs per row");
        int outer = Shapes.count(Arrays.copyOfRange(shape, 0, axis), "layer '" + name + "': rows");
        int[] weightShape = shapes.params().get(0);
        if (params.isEmpty()) {
            Blob w = newParam("weights", weightShape);
            params.add(new Param(w.name(), w));
            if (spec.biasTerm()) {
                Blob b = newParam("bias", shapes.params().get(1));
                params.add(new Param(b.name(), b));
            }
        } else if (!Arrays.equals(params.get(0).blob().shape(), weightShape)) {
            throw shapeError("the weights are shaped " + Arrays.toString(params.get(0).blob().shape()) + ", but " + inputs
                    + " inputs per row from axis " + axis + " need " + Arrays.toString(weightShape), shape);
        }
        this.k = inputs;
        this.m = outer;
        return shapes.tops();
    }

    /**
     * The top keeps the bottom's dims before the axis and adds num_output; the weights are (num_output, K),
     * or (K, num_output) when transposed, K the product of the dims from the axis on (-1 if one is unknown).
     */
    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        int[] shape = bottomShapes.get(0);
        int axis = AxisSplit.canonical(this, shape, spec.axis());
        int[] rest = Arrays.copyOfRange(shape, axis, shape.length);
        int inputs = Arrays.stream(rest).anyMatch(d -> d < 0) ? -1 : Shapes.count(rest, "layer '" + name + "': inputs per row");
        int n = spec.numOutput();
        int[] top = Arrays.copyOf(shape, axis + 1);
        top[axis] = n;
        int[] weights = spec.transpose() ? new int[] {inputs, n} : new int[] {n, inputs};
        return new LayerShapes(List.of(top), spec.biasTerm() ? List.of(weights, new int[] {n}) : List.of(weights));
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        int n = spec.numOutput();
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        // y (M×N) = x (M×K) · op(W), op(W) = Wᵀ for W (N, K) or W for W (K, N).
        Gemm.gemm(engine, false, !spec.transpose(), m, n, k, 1f, x.data(), 0, weights().data(), 0, 0f, y.data(), 0);
        if (spec.biasTerm() || reluFused) {
            ClKernel kern = engine.kernel(KERNELS, "ip_bias_relu");
            ClBuffer b = spec.biasTerm() ? params.get(1).blob().data() : y.data(); // any valid buffer when unused
            kern.arg(0, m).arg(1, n).arg(2, y.data()).arg(3, b).arg(4, spec.biasTerm() ? 1 : 0).arg(5, reluFused ? 1 : 0);
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
        boolean biasGrad = spec.biasTerm() && !params.get(1).frozen();
        if (reluFused) {
            ClKernel kern = engine.kernel(KERNELS, "ip_relu_backward");
            kern.arg(0, m).arg(1, n).arg(2, dy.data()).arg(3, dy.diff()).arg(4, biasGrad ? 1 : 0)
                    .arg(5, biasGrad ? params.get(1).blob().diff() : dy.diff());
            engine.run1d(kern, n);
        }
        if (!params.get(0).frozen()) {
            if (spec.transpose()) {
                // dW (K×N) += xᵀ (K×M) · dy (M×N)
                Gemm.gemm(engine, true, false, k, n, m, 1f, x.data(), 0, dy.diff(), 0, 1f, w.diff(), 0);
            } else {
                // dW (N×K) += dyᵀ (N×M) · x (M×K)
                Gemm.gemm(engine, true, false, n, k, m, 1f, dy.diff(), 0, x.data(), 0, 1f, w.diff(), 0);
            }
        }
        if (biasGrad && !reluFused) {
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
