package org.graft.caffe;

import com.google.protobuf.Descriptors.FieldDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.graft.caffe.proto.Caffe;
import org.graft.caffe.proto.Caffe.FillerParameter;
import org.graft.caffe.proto.Caffe.LayerParameter;
import org.graft.layers.Phase;
import org.graft.net.config.AccuracyParam;
import org.graft.net.config.BlobShape;
import org.graft.net.config.ConvolutionParam;
import org.graft.net.config.DataParam;
import org.graft.net.config.DropoutParam;
import org.graft.net.config.Filler;
import org.graft.net.config.ImageDataParam;
import org.graft.net.config.InnerProductParam;
import org.graft.net.config.InputParam;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.LossParam;
import org.graft.net.config.LrnParam;
import org.graft.net.config.ParamSpec;
import org.graft.net.config.PoolingParam;
import org.graft.net.config.ReluParam;
import org.graft.net.config.SoftmaxParam;
import org.graft.net.config.TransformParam;

/**
 * Maps one V2 {@code LayerParameter} to a {@link LayerConfig}: Caffe's fields one to one (net.json uses
 * Caffe's names and defaults), paths made absolute by {@link CaffePaths}, and Caffe's quirks made explicit
 * (a loss layer without a top gets one, as Caffe adds it automatically). What Graft cannot honour stops
 * the import with the layer's name; what Caffe itself would ignore is dropped with a warning.
 */
final class LayerImport {
    private final Path file;
    private final CaffePaths paths;
    private final Consumer<String> warnings;

    LayerImport(Path file, CaffePaths paths, Consumer<String> warnings) {
        this.file = file;
        this.paths = paths;
        this.warnings = warnings;
    }

    static String supportedTypes() {
        return Arrays.stream(LayerType.values()).map(LayerType::jsonName).collect(Collectors.joining(", "));
    }

    static LayerType typeOf(String caffeType) {
        for (LayerType t : LayerType.values()) {
            if (t.jsonName().equals(caffeType)) {
                return t;
            }
        }
        return null;
    }

    LayerConfig convert(LayerParameter l, int index) {
        String name = l.getName().isEmpty() ? "layer" + index : l.getName();
        LayerType type = typeOf(l.getType());
        if (type == null) {
            throw new CaffeFormatException(file + ": layer '" + name + "' has type '" + l.getType()
                    + "', which Graft does not support; supported types: " + supportedTypes());
        }
        LayerConfig.Builder b = LayerConfig.builder(name, type);
        b.bottom(l.getBottomList().toArray(String[]::new));
        List<String> tops = new ArrayList<>(l.getTopList());
        if (tops.isEmpty() && type == LayerType.SOFTMAX_WITH_LOSS) {
            tops.add(name);  // Caffe gives a loss layer without a top an automatic one
        }
        b.top(tops.toArray(String[]::new));
        for (Caffe.ParamSpec p : l.getParamList()) {
            b.param(new ParamSpec(p.hasName() && !p.getName().isEmpty() ? p.getName() : null, p.getLrMult(), p.getDecayMult()));
        }
        b.lossWeight(l.getLossWeightList().toArray(Float[]::new));
        b.propagateDown(l.getPropagateDownList().toArray(Boolean[]::new));
        for (Caffe.NetStateRule r : l.getIncludeList()) {
            b.include(rulePhase(r, name, "include"));
        }
        for (Caffe.NetStateRule r : l.getExcludeList()) {
            b.exclude(rulePhase(r, name, "exclude"));
        }
        if (l.getBlobsCount() > 0) {
            warnings.accept(file + ": layer '" + name + "' carries " + l.getBlobsCount()
                    + " blob(s) inside the net description; they are not imported (give the weights as a .caffemodel)");
        }
        warnInapplicable(l, name, type);
        String where = "layer '" + name + "'";
        switch (type) {
            case INPUT -> b.input(input(l, where));
            case DATA -> {
                b.data(data(l.getDataParam(), where));
                b.transform(transform(l.getTransformParam(), where));
            }
            case IMAGE_DATA -> {
                b.imageData(imageData(l.getImageDataParam(), where));
                b.transform(transform(l.getTransformParam(), where));
            }
            case CONVOLUTION -> b.convolution(convolution(l.getConvolutionParam(), where));
            case POOLING -> b.pooling(pooling(l.getPoolingParam(), where));
            case LRN -> {
                Caffe.LRNParameter p = l.getLrnParam();
                LrnParam.NormRegion region = p.getNormRegion() == Caffe.LRNParameter.NormRegion.WITHIN_CHANNEL
                        ? LrnParam.NormRegion.WITHIN_CHANNEL : LrnParam.NormRegion.ACROSS_CHANNELS;
                b.lrn(new LrnParam(p.getLocalSize(), p.getAlpha(), p.getBeta(), region, p.getK()));
            }
            case RELU -> b.relu(new ReluParam(l.getReluParam().getNegativeSlope()));
            case DROPOUT -> b.dropout(new DropoutParam(l.getDropoutParam().getDropoutRatio()));
            case INNER_PRODUCT -> {
                Caffe.InnerProductParameter p = l.getInnerProductParam();
                b.innerProduct(new InnerProductParam(p.getNumOutput(), p.getBiasTerm(), filler(p.getWeightFiller(), p.hasWeightFiller(), where),
                        filler(p.getBiasFiller(), p.hasBiasFiller(), where), p.getAxis(), p.getTranspose()));
            }
            case SOFTMAX -> b.softmax(new SoftmaxParam(l.getSoftmaxParam().getAxis()));
            case SOFTMAX_WITH_LOSS -> {
                b.softmax(new SoftmaxParam(l.getSoftmaxParam().getAxis()));
                b.loss(loss(l.getLossParam()));
            }
            case ACCURACY -> {
                Caffe.AccuracyParameter p = l.getAccuracyParam();
                b.accuracy(new AccuracyParam(p.getTopK(), p.getAxis(), p.hasIgnoreLabel() ? p.getIgnoreLabel() : null));
            }
            case SPLIT -> { }
        }
        return b.build();
    }

    private Phase rulePhase(Caffe.NetStateRule r, String name, String kind) {
        if (r.hasMinLevel() || r.hasMaxLevel() || r.getStageCount() > 0 || r.getNotStageCount() > 0) {
            warnings.accept(file + ": layer '" + name + "': the " + kind + " rule's levels and stages are ignored"
                    + " (Graft's nets have phases only); only its phase is kept");
        }
        if (!r.hasPhase()) {
            return null;
        }
        return r.getPhase() == Caffe.Phase.TRAIN ? Phase.TRAIN : Phase.TEST;
    }

    /** Typed parameters the layer's type does not read: Caffe ignores them silently; say so. */
    private void warnInapplicable(LayerParameter l, String name, LayerType type) {
        Set<String> applicable = new HashSet<>(switch (type) {
            case INPUT -> List.of("input_param");
            case DATA -> List.of("data_param", "transform_param");
            case IMAGE_DATA -> List.of("image_data_param", "transform_param");
            case CONVOLUTION -> List.of("convolution_param");
            case POOLING -> List.of("pooling_param");
            case LRN -> List.of("lrn_param");
            case RELU -> List.of("relu_param");
            case DROPOUT -> List.of("dropout_param");
            case INNER_PRODUCT -> List.of("inner_product_param");
            case SOFTMAX -> List.of("softmax_param");
            case SOFTMAX_WITH_LOSS -> List.of("softmax_param", "loss_param");
            case ACCURACY -> List.of("accuracy_param");
            case SPLIT -> List.<String>of();
        });
        for (FieldDescriptor f : l.getAllFields().keySet()) {
            if (f.getName().endsWith("_param") && !applicable.contains(f.getName())) {
                warnings.accept(file + ": layer '" + name + "' (" + type.jsonName() + ") has " + f.getName()
                        + ", which a " + type.jsonName() + " layer does not read; ignored, as Caffe does");
            }
        }
    }

    // ------------------------------------------------------------------------------------ data

    private InputParam input(LayerParameter l, String where) {
        if (l.getInputParam().getShapeCount() == 0) {
            throw new CaffeFormatException(file + ": " + where + " (Input) has no input_param { shape { dim: ... } }");
        }
        List<BlobShape> shapes = new ArrayList<>();
        for (Caffe.BlobShape s : l.getInputParam().getShapeList()) {
            List<Integer> dims = new ArrayList<>();
            for (long d : s.getDimList()) {
                if (d < 1 || d > Integer.MAX_VALUE) {
                    throw new CaffeFormatException(file + ": " + where + " (Input): dimension " + d + " in shape "
                            + s.getDimList() + " is out of range; expected 1.." + Integer.MAX_VALUE);
                }
                dims.add((int) d);
            }
            shapes.add(new BlobShape(dims));
        }
        return new InputParam(shapes);
    }

    private DataParam data(Caffe.DataParameter p, String where) {
        if (!p.hasSource()) {
            throw new CaffeFormatException(file + ": " + where + " (Data) has no data_param.source");
        }
        if (p.getBatchSize() < 1) {
            throw new CaffeFormatException(file + ": " + where + " (Data) needs data_param.batch_size >= 1, found " + p.getBatchSize());
        }
        warnDeprecated(p.hasScale() || p.hasMeanFile() || p.hasCropSize() || p.hasMirror(), where, "data_param");
        if (p.getRandSkip() > 0) {
            warnings.accept(file + ": " + where + ": data_param.rand_skip " + p.getRandSkip() + " is ignored");
        }
        Path source = paths.resolve(p.getSource(), where + " data_param.source");
        // Caffe's default backend is LevelDB (the paper's prototxts leave it unset).
        DataParam.Backend backend = p.getBackend() == Caffe.DataParameter.DB.LMDB ? DataParam.Backend.LMDB : DataParam.Backend.LEVELDB;
        return new DataParam(source, p.getBatchSize(), backend, null, List.of(), null, null);
    }

    private ImageDataParam imageData(Caffe.ImageDataParameter p, String where) {
        if (!p.hasSource()) {
            throw new CaffeFormatException(file + ": " + where + " (ImageData) has no image_data_param.source");
        }
        warnDeprecated(p.hasScale() || p.hasMeanFile() || p.hasCropSize() || p.hasMirror(), where, "image_data_param");
        if (p.getRandSkip() > 0) {
            warnings.accept(file + ": " + where + ": image_data_param.rand_skip " + p.getRandSkip() + " is ignored");
        }
        Path source = paths.resolve(p.getSource(), where + " image_data_param.source");
        // Caffe prepends root_folder to each listed path and opens the result from its working directory.
        Path root = p.getRootFolder().isEmpty() ? paths.baseFor(p.getSource())
                : paths.resolve(p.getRootFolder(), where + " image_data_param.root_folder");
        return new ImageDataParam(source, Math.max(1, p.getBatchSize()), p.getShuffle(), p.getNewHeight(), p.getNewWidth(),
                p.getIsColor(), root, List.of());
    }

    private void warnDeprecated(boolean present, String where, String param) {
        if (present) {
            warnings.accept(file + ": " + where + ": the deprecated " + param + " fields scale/mean_file/crop_size/mirror"
                    + " are ignored in a current-format net, as Caffe ignores them; put them in transform_param");
        }
    }

    private TransformParam transform(Caffe.TransformationParameter t, String where) {
        if (t.getForceColor() || t.getForceGray()) {
            warnings.accept(file + ": " + where + ": transform_param.force_color/force_gray are ignored"
                    + " (images keep the channels they are stored with)");
        }
        if (t.hasMeanFile() && t.getMeanValueCount() > 0) {
            throw new CaffeFormatException(file + ": " + where + ": transform_param gives both mean_file and mean_value;"
                    + " Caffe accepts only one of them");
        }
        Path mean = t.hasMeanFile() ? paths.resolve(t.getMeanFile(), where + " transform_param.mean_file") : null;
        return new TransformParam(t.getScale(), t.getMirror(), t.getCropSize(), mean, t.getMeanValueList());
    }

    // ------------------------------------------------------------------------------------ compute

    private ConvolutionParam convolution(Caffe.ConvolutionParameter p, String where) {
        if (!p.hasNumOutput() || p.getNumOutput() < 1) {
            throw new CaffeFormatException(file + ": " + where + " (Convolution) needs convolution_param.num_output >= 1");
        }
        int[] kernel = spatial(p.getKernelSizeList(), p.hasKernelH() || p.hasKernelW(), p.getKernelH(), p.getKernelW(),
                -1, where, "kernel_size", "kernel_h/kernel_w");
        if (kernel[0] < 1 || kernel[1] < 1) {
            throw new CaffeFormatException(file + ": " + where + " (Convolution) needs convolution_param.kernel_size"
                    + " (or kernel_h and kernel_w) >= 1");
        }
        int[] stride = spatial(p.getStrideList(), p.hasStrideH() || p.hasStrideW(), p.getStrideH(), p.getStrideW(), 1,
                where, "stride", "stride_h/stride_w");
        int[] pad = spatial(p.getPadList(), p.hasPadH() || p.hasPadW(), p.getPadH(), p.getPadW(), 0, where, "pad", "pad_h/pad_w");
        int[] dilation = spatial(p.getDilationList(), false, 0, 0, 1, where, "dilation", "");
        return new ConvolutionParam(p.getNumOutput(), p.getBiasTerm(), kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1],
                dilation[0], dilation[1], p.getGroup(), filler(p.getWeightFiller(), p.hasWeightFiller(), where),
                filler(p.getBiasFiller(), p.hasBiasFiller(), where), p.getAxis());
    }

    /** Caffe's repeated form (one value for both axes, or one per axis) or its 2-D _h/_w pair; never both. */
    private int[] spatial(List<Integer> repeated, boolean hasPair, int h, int w, int def, String where, String name, String pair) {
        if (hasPair) {
            if (!repeated.isEmpty()) {
                throw new CaffeFormatException(file + ": " + where + ": give either " + name + " or " + pair + ", not both (Caffe's rule)");
            }
            return new int[] {h, w};
        }
        return switch (repeated.size()) {
            case 0 -> new int[] {def, def};
            case 1 -> new int[] {repeated.get(0), repeated.get(0)};
            case 2 -> new int[] {repeated.get(0), repeated.get(1)};
            default -> throw new CaffeFormatException(file + ": " + where + ": " + name + " has " + repeated.size()
                    + " values, i.e. a " + repeated.size() + "-D convolution; Graft supports 2-D only");
        };
    }

    private PoolingParam pooling(Caffe.PoolingParameter p, String where) {
        PoolingParam.Pool pool = switch (p.getPool()) {
            case MAX -> PoolingParam.Pool.MAX;
            case AVE -> PoolingParam.Pool.AVE;
            case STOCHASTIC -> throw new CaffeFormatException(file + ": " + where
                    + " uses STOCHASTIC pooling, which Graft does not implement (MAX and AVE are supported)");
        };
        PoolingParam.RoundMode round = p.getRoundMode() == Caffe.PoolingParameter.RoundMode.FLOOR
                ? PoolingParam.RoundMode.FLOOR : PoolingParam.RoundMode.CEIL;
        int[] stride = pair(p.hasStrideH() || p.hasStrideW(), p.getStrideH(), p.getStrideW(), p.getStride(), where, "stride");
        int[] pad = pair(p.hasPadH() || p.hasPadW(), p.getPadH(), p.getPadW(), p.getPad(), where, "pad");
        if (p.getGlobalPooling()) {
            if (p.hasKernelSize() || p.hasKernelH() || p.hasKernelW()) {
                throw new CaffeFormatException(file + ": " + where + ": with global_pooling the kernel is the whole input;"
                        + " do not give a kernel size (Caffe's rule)");
            }
            return new PoolingParam(pool, 0, 0, stride[0], stride[1], pad[0], pad[1], true, round);
        }
        if (!p.hasKernelSize() && !(p.hasKernelH() && p.hasKernelW())) {
            throw new CaffeFormatException(file + ": " + where + " (Pooling) needs pooling_param.kernel_size"
                    + " (or kernel_h and kernel_w, or global_pooling: true)");
        }
        int[] kernel = pair(p.hasKernelH() || p.hasKernelW(), p.getKernelH(), p.getKernelW(), p.getKernelSize(), where, "kernel_size");
        return new PoolingParam(pool, kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], false, round);
    }

    private int[] pair(boolean hasPair, int h, int w, int both, String where, String name) {
        return hasPair ? new int[] {h, w} : new int[] {both, both};
    }

    private static LossParam loss(Caffe.LossParameter p) {
        LossParam.Normalization n;
        if (p.hasNormalization()) {
            n = LossParam.Normalization.valueOf(p.getNormalization().name());
        } else if (p.hasNormalize()) {
            // Caffe's older boolean: true means VALID, false means BATCH_SIZE.
            n = p.getNormalize() ? LossParam.Normalization.VALID : LossParam.Normalization.BATCH_SIZE;
        } else {
            n = LossParam.Normalization.VALID;
        }
        return new LossParam(p.hasIgnoreLabel() ? p.getIgnoreLabel() : null, n);
    }

    private Filler filler(FillerParameter f, boolean present, String where) {
        if (!present) {
            return Filler.DEFAULT;
        }
        Filler.Type type = null;
        for (Filler.Type t : Filler.Type.values()) {
            if (t.jsonName().equals(f.getType())) {
                type = t;
            }
        }
        if (type == null) {
            throw new CaffeFormatException(file + ": " + where + ": filler type '" + f.getType() + "' is not supported; Graft's"
                    + " fillers are " + Arrays.stream(Filler.Type.values()).map(Filler.Type::jsonName).collect(Collectors.joining(", ")));
        }
        if (type == Filler.Type.GAUSSIAN && f.getSparse() > 0) {
            warnings.accept(file + ": " + where + ": the sparse gaussian filler (sparse: " + f.getSparse()
                    + ") is not implemented; a dense gaussian is used");
        }
        Filler.VarianceNorm norm = switch (f.getVarianceNorm()) {
            case FAN_IN -> Filler.VarianceNorm.FAN_IN;
            case FAN_OUT -> Filler.VarianceNorm.FAN_OUT;
            case AVERAGE -> Filler.VarianceNorm.AVERAGE;
        };
        return new Filler(type, f.getValue(), f.getMin(), f.getMax(), f.getMean(), f.getStd(), norm);
    }
}
