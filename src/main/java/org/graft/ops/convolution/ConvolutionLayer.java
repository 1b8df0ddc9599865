package org.graft.ops.convolution;

import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.kernels.Im2col;
import org.graft.layers.LayerSettings;
import org.graft.layers.LayerShapes;
import org.graft.layers.Pass;
import org.graft.layers.ReluFusable;
import org.graft.layers.SettingChecks;

/**
 * Caffe's Convolution layer: top = W ∗ bottom + b with stride, zero padding, dilation and groups
 * (input and output channels split into {@code group} contiguous blocks). Weights (OC, C/group, kh, kw),
 * bias (OC). Reference: {@link org.graft.ops.convolution.ConvolutionReference}.
 *
 * <p>Computed by {@link ConvolutionGemm} (im2col + GEMM over chunks of images), within a workspace of
 * {@link #DEFAULT_WORKSPACE_BYTES}.
 *
 * <p>Backward skips the weight and bias gradients of frozen parameters (lr_mult 0), as Caffe's net
 * does by not propagating to them.
 *
 * <p>With a fused ReLU ({@link ReluFusable}) the output pass that adds the bias also applies the ReLU, and
 * backward masks the top diff while permuting it (the diff blob itself is left unmasked).
 */
public final class ConvolutionLayer extends BaseConvolutionLayer implements ReluFusable {
    /** Column buffer + GEMM result per layer: big enough for wide GEMMs, small next to the activations. */
    public static final long DEFAULT_WORKSPACE_BYTES = 64L << 20;

    /**
     * Caffe's ConvolutionParameter (2-D), read by Convolution and Deconvolution alike: Caffe's repeated and
     * per-axis spellings resolved into height and width (axis is always 1), and the fillers of the weights
     * and bias (Caffe's default: constant 0). Defaults: stride 1, pad 0, dilation 1, group 1, bias on.
     */
    public record Spec(int numOutput, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                       int dilationH, int dilationW, int group, boolean biasTerm,
                       Caffe.FillerParameter weightFiller, Caffe.FillerParameter biasFiller) implements LayerSettings {
        public Spec {
            require(numOutput >= 1, "num_output must be >= 1", numOutput);
            require(kernelH >= 1 && kernelW >= 1, "kernel size must be >= 1", kernelH + "x" + kernelW);
            require(strideH >= 1 && strideW >= 1, "stride must be >= 1", strideH + "x" + strideW);
            require(padH >= 0 && padW >= 0, "pad must be >= 0", padH + "x" + padW);
            require(dilationH >= 1 && dilationW >= 1, "dilation must be >= 1", dilationH + "x" + dilationW);
            require(group >= 1, "group must be >= 1", group);
            weightFiller = weightFiller == null ? Caffe.FillerParameter.getDefaultInstance() : weightFiller;
            biasFiller = biasFiller == null ? Caffe.FillerParameter.getDefaultInstance() : biasFiller;
        }

        /** With Caffe's default fillers (constant 0). */
        public Spec(int numOutput, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                    int dilationH, int dilationW, int group, boolean biasTerm) {
            this(numOutput, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, group, biasTerm, null, null);
        }

        /** Square kernel, stride and pad; no dilation, one group, with bias. */
        public static Spec square(int numOutput, int kernel, int stride, int pad) {
            return square(numOutput, kernel, stride, pad, 1);
        }

        /** Square kernel, stride and pad with {@code group} groups; no dilation, with bias. */
        public static Spec square(int numOutput, int kernel, int stride, int pad, int group) {
            return new Spec(numOutput, kernel, kernel, stride, stride, pad, pad, 1, 1, group, true);
        }

        public Spec withNumOutput(int n) {
            return new Spec(n, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, group, biasTerm,
                    weightFiller, biasFiller);
        }

        public Spec withFillers(Caffe.FillerParameter weights, Caffe.FillerParameter bias) {
            return new Spec(numOutput, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, group, biasTerm,
                    weights, bias);
        }

        /** Binds a layer's convolution_param (see {@code LayerType.Binder}); Deconvolution binds the same message. */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            if (!layer.hasConvolutionParam()) {
                throw c.error(path + ".convolution_param", "missing required field \"convolution_param\" (a "
                        + (layer.getType().isEmpty() ? "Convolution" : layer.getType())
                        + " layer needs num_output and kernel_size)");
            }
            Caffe.ConvolutionParameter p = layer.getConvolutionParam();
            String at = path + ".convolution_param";
            if (!p.hasNumOutput()) {
                throw c.error(at + ".num_output", "missing required field \"num_output\" (the number of output channels)");
            }
            int numOutput = c.atLeast(p.getNumOutput(), 1, at + ".num_output");
            int[] kernel = c.heightWidth(at, "kernel_size", p.getKernelSizeList(), "kernel_h", p.hasKernelH(), p.getKernelH(),
                    "kernel_w", p.hasKernelW(), p.getKernelW(), 1);
            if (kernel == null) {
                throw c.error(at + ".kernel_size", "missing required field \"kernel_size\" (or kernel_h and kernel_w)");
            }
            int[] stride = c.heightWidth(at, "stride", p.getStrideList(), "stride_h", p.hasStrideH(), p.getStrideH(),
                    "stride_w", p.hasStrideW(), p.getStrideW(), 1);
            int[] pad = c.heightWidth(at, "pad", p.getPadList(), "pad_h", p.hasPadH(), p.getPadH(), "pad_w", p.hasPadW(),
                    p.getPadW(), 0);
            int[] dilation = c.heightWidth(at, "dilation", p.getDilationList(), "dilation_h", false, 0, "dilation_w", false, 0, 1);
            int group = c.atLeast(p.getGroup(), 1, at + ".group");
            if (numOutput % group != 0) {
                throw c.error(at + ".group", "num_output (" + numOutput + ") must be divisible by group, found group " + group);
            }
            if (p.getAxis() != 1) {
                throw c.error(at + ".axis", "Graft supports only axis 1 (the channel axis), found " + p.getAxis());
            }
            if (p.hasWeightFiller()) {
                c.filler(p.getWeightFiller(), at + ".weight_filler");
            }
            if (p.hasBiasFiller()) {
                c.filler(p.getBiasFiller(), at + ".bias_filler");
            }
            return new Spec(numOutput, kernel[0], kernel[1], stride == null ? 1 : stride[0], stride == null ? 1 : stride[1],
                    pad == null ? 0 : pad[0], pad == null ? 0 : pad[1], dilation == null ? 1 : dilation[0],
                    dilation == null ? 1 : dilation[1], group, p.getBiasTerm(), p.getWeightFiller(), p.getBiasFiller());
        }

        /** Square sizes as one value, others as Caffe's h/w pair (dilation, which has none, as two values). */
        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.ConvolutionParameter.Builder p = layer.getConvolutionParamBuilder().setNumOutput(numOutput);
            if (!biasTerm) {
                p.setBiasTerm(false);
            }
            if (kernelH == kernelW) {
                p.addKernelSize(kernelH);
            } else {
                p.setKernelH(kernelH).setKernelW(kernelW);
            }
            if (strideH != strideW) {
                p.setStrideH(strideH).setStrideW(strideW);
            } else if (strideH != 1) {
                p.addStride(strideH);
            }
            if (padH != padW) {
                p.setPadH(padH).setPadW(padW);
            } else if (padH != 0) {
                p.addPad(padH);
            }
            if (dilationH != dilationW) {
                p.addDilation(dilationH).addDilation(dilationW);
            } else if (dilationH != 1) {
                p.addDilation(dilationH);
            }
            if (group != 1) {
                p.setGroup(group);
            }
            if (!weightFiller.equals(Caffe.FillerParameter.getDefaultInstance())) {
                p.setWeightFiller(weightFiller);
            }
            if (!biasFiller.equals(Caffe.FillerParameter.getDefaultInstance())) {
                p.setBiasFiller(biasFiller);
            }
        }

        @Override
        public int learnableBlobs() {
            return biasTerm ? 2 : 1;
        }

        @Override
        public Caffe.FillerParameter filler(int blob) {
            return blob == 0 ? weightFiller : biasFiller;
        }

        private static void require(boolean ok, String what, Object found) {
            if (!ok) {
                throw new IllegalArgumentException("convolution spec: " + what + ", got " + found);
            }
        }
    }

    public ConvolutionLayer(String name, Spec spec) {
        this(name, spec, DEFAULT_WORKSPACE_BYTES);
    }

    /** With an explicit workspace bound (tests force small chunks with it). */
    ConvolutionLayer(String name, Spec spec, long workspaceBytes) {
        super(name, spec, workspaceBytes);
    }

    private boolean reluFused;

    public Spec spec() {
        return spec;
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
    public String type() {
        return "Convolution";
    }

    /** Caffe's floor rule: ⌊(in + 2·pad − (dilation·(k − 1) + 1)) / stride⌋ + 1. */
    @Override
    protected long outputSize(int in, int kernel, int pad, int stride, int dilation) {
        return Im2col.Geometry.outSize(in, kernel, pad, stride, dilation);
    }

    /** (OC, C/group, kh, kw). */
    @Override
    protected int[] weightShape(int channels) {
        return new int[] {spec.numOutput(), channels < 0 ? -1 : channels / spec.group(), spec.kernelH(), spec.kernelW()};
    }

    @Override
    public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
        this.engine = engine;
        LayerShapes shapes = shapes(bottomShapes);
        int[] shape = bottomShapes.get(0);
        setUpParams(shapes, shape);
        Im2col.Geometry g = new Im2col.Geometry(shape[1], shape[2], shape[3], spec.kernelH(), spec.kernelW(),
                spec.padH(), spec.padW(), spec.strideH(), spec.strideW(), spec.dilationH(), spec.dilationW());
        gemm.setUp(engine, g, spec.numOutput(), spec.group(), shape[0], spec.biasTerm());
        return shapes.tops();
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        checkBottom(bottom.get(0));
        gemm.forward(bottom.get(0).data(), weights.blob().data(), bias != null ? bias.blob().data() : null, reluFused,
                top.get(0).data());
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        Blob in = bottom.get(0);
        checkBottom(in);
        boolean needWeights = !weights.frozen();
        boolean needBias = bias != null && !bias.frozen();
        if (!needWeights && !needBias && !propagateDown[0]) {
            return;
        }
        Blob out = top.get(0);
        gemm.backward(out.diff(), reluFused ? out.data() : null, in.data(), weights.blob().data(), needWeights ? weights.blob().diff() : null,
                needBias ? bias.blob().diff() : null, propagateDown[0] ? in.diff() : null);
    }

    @Override
    public long forwardFlops() {
        return gemm.forwardFlops();
    }

    /** Weight gradient and bottom gradient each cost one forward; the bias gradient one add per output. */
    @Override
    public long backwardFlops() {
        Im2col.Geometry g = gemm.geometry();
        long biasFlops = g != null && bias != null ? (long) bottomShape()[0] * spec.numOutput() * g.outPixels() : 0;
        return 2 * forwardFlops() + biasFlops;
    }
}
