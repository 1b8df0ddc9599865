package org.graft.ops.pooling;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.graft.caffe.proto.Caffe;
import org.graft.caffe.proto.Caffe.LRNParameter.NormRegion;
import org.graft.caffe.proto.Caffe.PoolingParameter.PoolMethod;
import org.graft.caffe.proto.Caffe.PoolingParameter.RoundMode;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.kernels.NdRange;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.SettingChecks;
import org.graft.layers.Pass;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;
import org.graft.ops.lrn.LRNLayer;

/**
 * Caffe's "Pooling" layer (MAX and AVE) on N×C×H×W blobs; kernels in {@code kernels/pooling.cl},
 * maths in {@link org.graft.ops.pooling.PoolingReference}. MAX keeps the argmax of every output in a
 * layer-owned int buffer so backward can route each gradient to the input that won. MAX pooling can also
 * compute the cross-channel LRN after it in the same kernel ({@link #fuseLrn}).
 */
public final class PoolingLayer extends Layer {
    private static final String KERNELS = "pooling.cl";
    /** Largest window (kernel_h·kernel_w) whose loops are compiled in as constants. */
    static final int MAX_UNROLLED_WINDOW = 64;
    /**
     * Channels one work-item of the fused MAX pooling + LRN kernel normalises (it pools 2·reach more). Not
     * tuned: on PoCL 4, 8, 16 and all channels were all slower than the two kernels apart, so CPUs do not
     * fuse by default (org.graft.net.LayerFusion); 8 pools 1.5× the channels for local_size 5.
     */
    static final int LRN_CHANNEL_BLOCK = 8;

    /**
     * Caffe's PoolingParameter. With {@code globalPooling} the kernel is the whole input and must be
     * given as 0, pad 0 and stride 1 (Caffe's rule).
     */
    public record Spec(PoolMethod method, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                       boolean globalPooling, RoundMode roundMode) implements LayerSettings {
        public Spec {
            Objects.requireNonNull(method, "method");
            if (method == PoolMethod.STOCHASTIC) {
                throw new IllegalArgumentException("stochastic pooling is not implemented (MAX and AVE are)");
            }
            Objects.requireNonNull(roundMode, "roundMode");
        }

        public static Spec max(int kernel, int stride) {
            return max(kernel, stride, 0);
        }

        public static Spec max(int kernel, int stride, int pad) {
            return new Spec(PoolMethod.MAX, kernel, kernel, stride, stride, pad, pad, false, RoundMode.CEIL);
        }

        public static Spec ave(int kernel, int stride) {
            return ave(kernel, stride, 0);
        }

        public static Spec ave(int kernel, int stride, int pad) {
            return new Spec(PoolMethod.AVE, kernel, kernel, stride, stride, pad, pad, false, RoundMode.CEIL);
        }

        public static Spec global(PoolMethod method) {
            return new Spec(method, 0, 0, 1, 1, 0, 0, true, RoundMode.CEIL);
        }

        public Spec withRoundMode(RoundMode mode) {
            return new Spec(method, kernelH, kernelW, strideH, strideW, padH, padW, globalPooling, mode);
        }

        /**
         * Binds a layer's pooling_param (see {@code LayerType.Binder}) with Caffe's rules: a kernel
         * (kernel_size, or kernel_h and kernel_w) unless global_pooling, which takes the whole input and
         * refuses a kernel size, a pad other than 0 and a stride other than 1; pad smaller than the kernel.
         */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            String at = path + ".pooling_param";
            if (!layer.hasPoolingParam()) {
                throw c.error(at, "missing required field \"pooling_param\" (a Pooling layer needs kernel_size and stride, or global_pooling)");
            }
            Caffe.PoolingParameter p = layer.getPoolingParam();
            int[] kernel = c.heightWidth(at, "kernel_size", p.hasKernelSize() ? List.of(p.getKernelSize()) : List.of(), "kernel_h",
                    p.hasKernelH(), p.getKernelH(), "kernel_w", p.hasKernelW(), p.getKernelW(), 1);
            int[] stride = c.heightWidth(at, "stride", p.hasStride() ? List.of(p.getStride()) : List.of(), "stride_h",
                    p.hasStrideH(), p.getStrideH(), "stride_w", p.hasStrideW(), p.getStrideW(), 1);
            int[] pad = c.heightWidth(at, "pad", p.hasPad() ? List.of(p.getPad()) : List.of(), "pad_h", p.hasPadH(), p.getPadH(),
                    "pad_w", p.hasPadW(), p.getPadW(), 0);
            if (p.getGlobalPooling()) {
                if (kernel != null) {
                    throw c.error(at + "." + (p.hasKernelSize() ? "kernel_size" : "kernel_h"),
                            "global_pooling uses the whole input as the kernel; do not give a kernel size");
                }
                if (stride != null && (stride[0] != 1 || stride[1] != 1)) {
                    throw c.error(at + "." + (p.hasStride() ? "stride" : "stride_h"), "global_pooling needs stride 1 (Caffe's rule)");
                }
                if (pad != null && (pad[0] != 0 || pad[1] != 0)) {
                    throw c.error(at + "." + (p.hasPad() ? "pad" : "pad_h"), "global_pooling needs pad 0 (Caffe's rule)");
                }
                return new Spec(p.getPool(), 0, 0, 1, 1, 0, 0, true, p.getRoundMode());
            }
            if (kernel == null) {
                throw c.error(at + ".kernel_size", "missing required field \"kernel_size\" (or kernel_h and kernel_w, or global_pooling: true)");
            }
            stride = stride == null ? new int[] {1, 1} : stride;
            pad = pad == null ? new int[] {0, 0} : pad;
            if (pad[0] >= kernel[0] || pad[1] >= kernel[1]) {
                throw c.error(at + "." + (p.hasPad() ? "pad" : "pad_h"), "pad (" + pad[0] + "x" + pad[1]
                        + ") must be smaller than the kernel (" + kernel[0] + "x" + kernel[1] + "), as Caffe requires");
            }
            return new Spec(p.getPool(), kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], false, p.getRoundMode());
        }

        /** Square sizes as one value, others as the _h/_w pair; the global kernel is the input's, not written. */
        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.PoolingParameter.Builder p = layer.getPoolingParamBuilder();
            if (method != PoolMethod.MAX) {
                p.setPool(method);
            }
            if (globalPooling) {
                p.setGlobalPooling(true);
            } else if (kernelH == kernelW) {
                p.setKernelSize(kernelH);
            } else {
                p.setKernelH(kernelH).setKernelW(kernelW);
            }
            if (strideH != strideW) {
                p.setStrideH(strideH).setStrideW(strideW);
            } else if (strideH != 1) {
                p.setStride(strideH);
            }
            if (padH != padW) {
                p.setPadH(padH).setPadW(padW);
            } else if (padH != 0) {
                p.setPad(padH);
            }
            if (roundMode != RoundMode.CEIL) {
                p.setRoundMode(roundMode);
            }
        }
    }

    private final Spec spec;
    // Geometry of the current set-up (kernel filled in from the input for global pooling).
    private int[] bottomShape;
    private int kernelH;
    private int kernelW;
    private int pooledH;
    private int pooledW;
    private ClBuffer argmax;
    private long argmaxCapacity;
    /** The cross-channel LRN this layer's forward computes too (see {@link #fuseLrn}), and its top; or null. */
    private LRNLayer fusedLrn;
    private Blob lrnTop;

    public PoolingLayer(String name, Spec spec) {
        super(name);
        this.spec = Objects.requireNonNull(spec, "spec");
        validate(spec);
    }

    private void validate(Spec s) {
        if (s.globalPooling()) {
            if (s.kernelH() != 0 || s.kernelW() != 0) {
                throw specError("global pooling takes its kernel from the input, so kernel must be 0, got "
                        + s.kernelH() + "x" + s.kernelW());
            }
            if (s.padH() != 0 || s.padW() != 0 || s.strideH() != 1 || s.strideW() != 1) {
                throw specError("global pooling needs pad 0 and stride 1, got pad " + s.padH() + "x" + s.padW()
                        + " stride " + s.strideH() + "x" + s.strideW());
            }
            return;
        }
        if (s.kernelH() <= 0 || s.kernelW() <= 0) {
            throw specError("kernel must be positive, got " + s.kernelH() + "x" + s.kernelW());
        }
        if (s.strideH() <= 0 || s.strideW() <= 0) {
            throw specError("stride must be positive, got " + s.strideH() + "x" + s.strideW());
        }
        if (s.padH() < 0 || s.padW() < 0) {
            throw specError("pad must not be negative, got " + s.padH() + "x" + s.padW());
        }
        if (s.padH() >= s.kernelH() || s.padW() >= s.kernelW()) {
            throw specError("pad must be smaller than the kernel (as Caffe requires), got pad " + s.padH() + "x"
                    + s.padW() + " for kernel " + s.kernelH() + "x" + s.kernelW());
        }
    }

    private IllegalArgumentException specError(String what) {
        return new IllegalArgumentException("layer '" + name + "' (" + type() + "): " + what);
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Pooling";
    }

    /**
     * Caffe's pooled size along one axis: ceil (or floor) of (in + 2·pad − kernel)/stride, plus 1; when
     * the layer has any padding (on either axis, as Caffe tests pad_h || pad_w) a last window that
     * would start at or beyond in + pad is dropped.
     */
    public static int pooledSize(int in, int kernel, int stride, int pad, boolean layerHasPadding, RoundMode mode) {
        int span = in + 2 * pad - kernel; // >= 0, checked by the caller
        int steps = mode == RoundMode.CEIL ? (span + stride - 1) / stride : span / stride;
        int out = steps + 1;
        if (layerHasPadding && (out - 1) * stride >= in + pad) {
            out--;
        }
        return out;
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        if (bottomShapes.size() != 1) {
            throw new IllegalArgumentException("layer '" + name + "' (Pooling) takes 1 bottom, got " + bottomShapes.size());
        }
        int[] shape = bottomShapes.get(0);
        int[] top = shapes(bottomShapes).tops().get(0);
        this.bottomShape = shape.clone();
        this.kernelH = spec.globalPooling() ? shape[2] : spec.kernelH();
        this.kernelW = spec.globalPooling() ? shape[3] : spec.kernelW();
        this.pooledH = top[2];
        this.pooledW = top[3];
        if (spec.method() == PoolMethod.MAX) {
            long need = (long) shape[0] * shape[1] * pooledH * pooledW;
            if (need > argmaxCapacity) {
                if (argmax != null) {
                    argmax.close();
                }
                argmax = engine.alloc(need, name + ".argmax");
                argmaxCapacity = need;
            }
        }
        return List.of(top);
    }

    /**
     * N×C×H×W in, N×C×PH×PW out with Caffe's pooled sizes ({@link #pooledSize}); global pooling gives 1×1
     * whatever the input. Otherwise a height or width not known yet (-1) stays unknown.
     */
    @Override
    public LayerShapes shapes(List<int[]> bottomShapes) {
        int[] shape = bottomShapes.get(0);
        if (shape.length != 4) {
            throw shapeError("expected 4 axes (num, channels, height, width)", shape);
        }
        return LayerShapes.tops(new int[] {shape[0], shape[1], pooled(shape, 2), pooled(shape, 3)});
    }

    private static String padded(int in, int pad) {
        return in < 0 ? "?" : String.valueOf(in + 2 * pad);
    }

    /** The pooled size along axis 2 (height) or 3 (width), refusing windows Caffe could not place. */
    private int pooled(int[] shape, int axis) {
        int in = shape[axis];
        boolean h = axis == 2;
        if (in == 0) {
            throw shapeError("expected a non-empty image", shape);
        }
        if (spec.globalPooling()) {
            return 1;
        }
        if (in < 0) {
            return -1;
        }
        int kernel = h ? spec.kernelH() : spec.kernelW();
        int stride = h ? spec.strideH() : spec.strideW();
        int pad = h ? spec.padH() : spec.padW();
        if (kernel > in + 2 * pad) {
            throw shapeError("kernel " + spec.kernelH() + "x" + spec.kernelW() + " is larger than the padded input "
                    + padded(shape[2], spec.padH()) + "x" + padded(shape[3], spec.padW()), shape);
        }
        int out = pooledSize(in, kernel, stride, pad, spec.padH() > 0 || spec.padW() > 0, spec.roundMode());
        // Without padding, ceil rounding with stride > kernel can place a last window wholly past the
        // image; Caffe's output there is garbage (-FLT_MAX, or 0/0 for AVE), so refuse it.
        if ((out - 1) * stride - pad >= in) {
            throw shapeError("the last pooling window (kernel " + spec.kernelH() + "x" + spec.kernelW() + ", stride " + spec.strideH()
                    + "x" + spec.strideW() + ", ceil rounding) would start outside the image and cover no input;"
                    + " use round mode FLOOR or padding", shape);
        }
        return out;
    }

    /**
     * Makes forward compute {@code lrn} too, an ACROSS_CHANNELS LRN whose only bottom is this layer's top and
     * whose top is {@code top} (null, null: this layer alone again): one kernel writes this layer's top and
     * argmax and the LRN's scale and top, the same values to the bit. Only the net sets this
     * ({@code org.graft.net.LayerFusion}), together with {@link LRNLayer#fusedInto}; backward is unchanged.
     */
    public void fuseLrn(LRNLayer lrn, Blob top) {
        if (lrn != null && (spec.method() != PoolMethod.MAX || lrn.settings().region() != NormRegion.ACROSS_CHANNELS)) {
            throw specError("only MAX pooling followed by an ACROSS_CHANNELS LRN can be fused, not " + spec.method()
                    + " and " + lrn.settings().region());
        }
        fusedLrn = lrn;
        lrnTop = lrn == null ? null : Objects.requireNonNull(top, "top");
    }

    /** The LRN this layer's forward computes too, or null. */
    public LRNLayer fusedLrn() {
        return fusedLrn;
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        checkSetUp(x);
        if (fusedLrn != null) {
            if (!Arrays.equals(lrnTop.shape(), y.shape())) {
                throw shapeError("the fused LRN's top " + Arrays.toString(lrnTop.shape()) + " differs from this layer's", y.shape());
            }
            // (PW, PH, N * blocks): each work-item walks one block of channels (see pooling.cl).
            String defines = defines() + " " + fusedLrn.defines() + " -DCHANNEL_BLOCK=" + LRN_CHANNEL_BLOCK;
            ClKernel k = engine.kernel(KERNELS, defines.trim(), "max_pool_lrn_forward");
            k.arg(0, bottomShape[0]).arg(1, bottomShape[1]);
            geometryArgs(k, 2).arg(12, x.data()).arg(13, y.data()).arg(14, argmax);
            fusedLrn.bindFusedForward(k, 15, lrnTop);
            long blocks = (bottomShape[1] + LRN_CHANNEL_BLOCK - 1) / LRN_CHANNEL_BLOCK;
            NdRange.run(engine, k, pooledW, pooledH, bottomShape[0] * blocks);
        } else if (spec.method() == PoolMethod.MAX) {
            ClKernel k = engine.kernel(KERNELS, defines(), "max_pool_forward");
            geometryArgs(k).arg(11, x.data()).arg(12, y.data()).arg(13, argmax);
            NdRange.run(engine, k, pooledW, pooledH, planes());
        } else {
            ClKernel k = engine.kernel(KERNELS, defines(), "ave_pool_forward");
            geometryArgs(k).arg(11, x.data()).arg(12, y.data());
            NdRange.run(engine, k, pooledW, pooledH, planes());
        }
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (!propagateDown[0]) {
            return;
        }
        Blob x = bottom.get(0);
        Blob y = top.get(0);
        checkSetUp(x);
        String kernel = spec.method() == PoolMethod.MAX ? "max_pool_backward" : "ave_pool_backward";
        ClKernel k;
        if (fixedGeometry()) {
            // One work-item per slot of stride_w input columns (see pooling.cl).
            int slots = (bottomShape[3] + spec.padW() + spec.strideW() - 1) / spec.strideW();
            k = geometryArgs(engine.kernel(KERNELS, defines(), kernel + "_slots")).arg(11, slots);
            bindBackwardBuffers(k, 12, x, y);
            NdRange.run(engine, k, slots, bottomShape[2], planes());
        } else {
            k = geometryArgs(engine.kernel(KERNELS, defines(), kernel));
            bindBackwardBuffers(k, 11, x, y);
            NdRange.run(engine, k, bottomShape[3], bottomShape[2], planes());
        }
    }

    private void bindBackwardBuffers(ClKernel k, int first, Blob x, Blob y) {
        k.arg(first, y.diff());
        if (spec.method() == PoolMethod.MAX) {
            k.arg(first + 1, argmax).arg(first + 2, x.diff());
        } else {
            k.arg(first + 1, x.diff());
        }
    }

    private ClKernel geometryArgs(ClKernel k) {
        return geometryArgs(k.arg(0, planes()), 1);
    }

    /** GEOMETRY_ARGS (pooling.cl) from argument {@code first}. */
    private ClKernel geometryArgs(ClKernel k, int first) {
        int[] values = {bottomShape[2], bottomShape[3], pooledH, pooledW, kernelH, kernelW, spec.strideH(), spec.strideW(),
            spec.padH(), spec.padW()};
        for (int i = 0; i < values.length; i++) {
            k.arg(first + i, values[i]);
        }
        return k;
    }

    /** Small windows have their geometry compiled in; large ones (global pooling over big maps) do not. */
    private boolean fixedGeometry() {
        return (long) kernelH * kernelW <= MAX_UNROLLED_WINDOW;
    }

    /**
     * Small windows are compiled in as constants so the window loops unroll (and vectorise on CPUs);
     * large ones keep runtime loops rather than huge unrolled code.
     */
    private String defines() {
        if (!fixedGeometry()) {
            return "";
        }
        return "-DFIXED_KH=" + kernelH + " -DFIXED_KW=" + kernelW
                + " -DFIXED_SH=" + spec.strideH() + " -DFIXED_SW=" + spec.strideW();
    }

    private int planes() {
        return bottomShape[0] * bottomShape[1];
    }

    private void checkSetUp(Blob x) {
        if (bottomShape == null) {
            throw new IllegalStateException("layer '" + name + "' (Pooling) used before setUp");
        }
        if (!Arrays.equals(x.shape(), bottomShape)) {
            throw shapeError("expected the shape it was set up for " + Arrays.toString(bottomShape), x.shape());
        }
    }

    private int topCount() {
        return bottomShape[0] * bottomShape[1] * pooledH * pooledW;
    }

    /** Kernel height and width in use (the input's size for global pooling); valid after setUp. */
    public int[] kernel() {
        return new int[] {kernelH, kernelW};
    }

    /** With a fused LRN, its work too (its own row in the timing table then says "fused into"). */
    @Override
    public long forwardFlops() {
        return poolingFlops() + (fusedLrn == null ? 0 : fusedLrn.forwardFlops());
    }

    private long poolingFlops() {
        return bottomShape == null ? 0 : (long) topCount() * kernelH * kernelW;
    }

    @Override
    public long backwardFlops() {
        return poolingFlops();
    }

    @Override
    public void close() {
        if (argmax != null) {
            argmax.close();
            argmax = null;
            argmaxCapacity = 0;
        }
        super.close();
    }
}
