package org.graft.caffe;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.graft.caffe.proto.Caffe.BlobShape;
import org.graft.caffe.proto.Caffe.InputParameter;
import org.graft.caffe.proto.Caffe.LayerParameter;
import org.graft.caffe.proto.Caffe.NetParameter;
import org.graft.caffe.proto.Caffe.ParamSpec;
import org.graft.caffe.proto.Caffe.PoolingParameter;
import org.graft.caffe.proto.Caffe.SolverParameter;
import org.graft.caffe.proto.Caffe.TransformationParameter;
import org.graft.caffe.proto.Caffe.V0LayerParameter;
import org.graft.caffe.proto.Caffe.V1LayerParameter;
import org.graft.caffe.proto.Caffe.V1LayerParameter.LayerType;

/**
 * Upgrades nets of any vintage to the current (V2) form along Caffe's own path
 * ({@code src/caffe/util/upgrade_proto.cpp}):
 * <ol>
 * <li>V0 (a {@code layers} entry holding a nested {@code layer}): separate {@code padding} layers are folded
 * into the {@code pad} of the conv/pool layer they feed, then the flat V0 fields go to the typed
 * parameters of a V1 layer (data-layer preprocessing straight to {@code transform_param});</li>
 * <li>V1 data layers: the preprocessing fields still in {@code data_param}/{@code image_data_param} move
 * to {@code transform_param};</li>
 * <li>V1 to V2: the type enum becomes a type string, {@code blobs_lr[i]}/{@code weight_decay[i]} become
 * {@code param[i].lr_mult}/{@code decay_mult};</li>
 * <li>legacy net inputs ({@code input} + {@code input_shape} or {@code input_dim}) become an "Input" layer
 * placed first.</li>
 * </ol>
 * A V2 net without legacy inputs is returned unchanged (the same object). Problems Caffe only logs
 * (a V0 field that means nothing for its layer type) are reported as warnings; problems that leave no
 * sensible net are {@link CaffeFormatException}s naming the source and the layer.
 */
public final class NetUpgrader {
    private static final System.Logger LOG = System.getLogger(NetUpgrader.class.getName());

    private NetUpgrader() {
    }

    /** True if {@link #upgrade} would change the net. */
    public static boolean needsUpgrade(NetParameter net) {
        return net.getLayersCount() > 0 || net.getInputCount() > 0 || net.getInputDimCount() > 0 || net.getInputShapeCount() > 0;
    }

    /** Upgrades {@code net} to V2; {@code source} (usually the file) prefixes messages. Warnings are logged. */
    public static NetParameter upgrade(NetParameter net, String source) {
        return upgrade(net, source, w -> LOG.log(System.Logger.Level.WARNING, w));
    }

    /** Upgrades {@code net} to V2, handing each warning to {@code warnings}. */
    public static NetParameter upgrade(NetParameter net, String source, Consumer<String> warnings) {
        if (!needsUpgrade(net)) {
            return net;
        }
        if (net.getLayerCount() > 0 && net.getLayersCount() > 0) {
            throw new CaffeFormatException(source + ": the net mixes current 'layer' entries (" + net.getLayerCount()
                    + ") with legacy 'layers' entries (" + net.getLayersCount() + "); Caffe refuses such a net, use one form only");
        }
        NetParameter.Builder out = net.toBuilder();
        if (net.getLayersCount() > 0) {
            List<V1LayerParameter> v1 = upgradeV0(source, net.getLayersList(), net.getInputList(), warnings);
            out.clearLayers();
            for (int i = 0; i < v1.size(); i++) {
                V1LayerParameter layer = moveDataTransform(v1.get(i));
                out.addLayer(upgradeV1(source, i, layer, warnings));
            }
        }
        upgradeInputs(source, out, warnings);
        return out.build();
    }

    // ----------------------------------------------------------------------------------- V0 -> V1

    private static boolean isV0(V1LayerParameter l) {
        return l.hasLayer();
    }

    private static List<V1LayerParameter> upgradeV0(String source, List<V1LayerParameter> layers, List<String> inputs,
            Consumer<String> warnings) {
        boolean anyV0 = layers.stream().anyMatch(NetUpgrader::isV0);
        if (!anyV0) {
            return layers;
        }
        List<V1LayerParameter> result = new ArrayList<>();
        for (V1LayerParameter l : foldPadding(source, layers, inputs)) {
            result.add(isV0(l) ? upgradeV0Layer(source, l, warnings) : l);
        }
        return result;
    }

    private static boolean isPadding(V1LayerParameter l) {
        return isV0(l) && "padding".equals(l.getLayer().getType());
    }

    /**
     * Removes V0 "padding" layers: a conv or pool layer reading a padding layer's output reads the padding
     * layer's input instead and takes its pad.
     */
    private static List<V1LayerParameter> foldPadding(String source, List<V1LayerParameter> layers, List<String> inputs) {
        // Blob name -> index of the layer that last wrote it (-1: a net input).
        Map<String, Integer> lastWriter = new HashMap<>();
        for (String in : inputs) {
            lastWriter.put(in, -1);
        }
        List<V1LayerParameter> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            V1LayerParameter l = layers.get(i);
            V1LayerParameter.Builder kept = isPadding(l) ? null : l.toBuilder();
            for (int j = 0; j < l.getBottomCount(); j++) {
                String blob = l.getBottom(j);
                Integer writer = lastWriter.get(blob);
                if (writer == null || writer < 0 || !isPadding(layers.get(writer))) {
                    continue;
                }
                V1LayerParameter pad = layers.get(writer);
                String where = source + ": layer " + i + " ('" + layerName(l) + "')";
                if (kept == null) {
                    throw new CaffeFormatException(where + ": a padding layer reads the output of padding layer '"
                            + layerName(pad) + "'; Caffe only folds padding into a conv or pool layer");
                }
                String type = isV0(l) ? l.getLayer().getType() : String.valueOf(l.getType());
                if (!"conv".equals(type) && !"pool".equals(type)) {
                    throw new CaffeFormatException(where + ": reads padding layer '" + layerName(pad)
                            + "', but only conv and pool layers can take padding; found type '" + type + "'");
                }
                if (l.getBottomCount() != 1 || pad.getBottomCount() != 1 || pad.getTopCount() != 1) {
                    throw new CaffeFormatException(where + ": expected one bottom on it and one bottom and top on padding layer '"
                            + layerName(pad) + "', found " + l.getBottomCount() + ", " + pad.getBottomCount() + " and " + pad.getTopCount());
                }
                if (l.getTopList().contains(pad.getBottom(0))) {
                    throw new CaffeFormatException(where + ": in-place padding (top '" + pad.getBottom(0) + "') is not supported");
                }
                kept.getLayerBuilder().setPad(pad.getLayer().getPad());
                kept.setBottom(j, pad.getBottom(0));
            }
            for (String top : l.getTopList()) {
                lastWriter.put(top, i);
            }
            if (kept != null) {
                out.add(kept.build());
            }
        }
        return out;
    }

    private static String layerName(V1LayerParameter l) {
        return isV0(l) && l.getLayer().hasName() ? l.getLayer().getName() : l.getName();
    }

    /** The V0 type strings Caffe knows, with their V1 enum. */
    static LayerType v0Type(String type) {
        switch (type) {
            case "accuracy": return LayerType.ACCURACY;
            case "bnll": return LayerType.BNLL;
            case "concat": return LayerType.CONCAT;
            case "conv": return LayerType.CONVOLUTION;
            case "data": return LayerType.DATA;
            case "dropout": return LayerType.DROPOUT;
            case "euclidean_loss": return LayerType.EUCLIDEAN_LOSS;
            case "flatten": return LayerType.FLATTEN;
            case "hdf5_data": return LayerType.HDF5_DATA;
            case "hdf5_output": return LayerType.HDF5_OUTPUT;
            case "im2col": return LayerType.IM2COL;
            case "images": return LayerType.IMAGE_DATA;
            case "infogain_loss": return LayerType.INFOGAIN_LOSS;
            case "innerproduct": return LayerType.INNER_PRODUCT;
            case "lrn": return LayerType.LRN;
            case "multinomial_logistic_loss": return LayerType.MULTINOMIAL_LOGISTIC_LOSS;
            case "pool": return LayerType.POOLING;
            case "relu": return LayerType.RELU;
            case "sigmoid": return LayerType.SIGMOID;
            case "softmax": return LayerType.SOFTMAX;
            case "softmax_loss": return LayerType.SOFTMAX_LOSS;
            case "split": return LayerType.SPLIT;
            case "tanh": return LayerType.TANH;
            case "window_data": return LayerType.WINDOW_DATA;
            default: return null;
        }
    }

    private static V1LayerParameter upgradeV0Layer(String source, V1LayerParameter connection, Consumer<String> warnings) {
        V0LayerParameter v0 = connection.getLayer();
        String name = layerName(connection);
        V1LayerParameter.Builder v1 = V1LayerParameter.newBuilder()
                .addAllBottom(connection.getBottomList())
                .addAllTop(connection.getTopList());
        if (!name.isEmpty()) {
            v1.setName(name);
        }
        String t = v0.getType();
        LayerType type = v0Type(t);
        if (type == null) {
            throw new CaffeFormatException(source + ": layer '" + name + "' has V0 type '" + t + "', which Caffe's V0 format does not know");
        }
        v1.setType(type);
        V0Fields f = new V0Fields(source, name, t, warnings);
        boolean conv = t.equals("conv");
        boolean ip = t.equals("innerproduct");
        boolean pool = t.equals("pool");
        boolean data = t.equals("data");
        boolean images = t.equals("images");

        if (v0.hasNumOutput() && f.check("num_output", conv || ip)) {
            if (conv) {
                v1.getConvolutionParamBuilder().setNumOutput(v0.getNumOutput());
            } else {
                v1.getInnerProductParamBuilder().setNumOutput(v0.getNumOutput());
            }
        }
        if (v0.hasBiasterm() && f.check("biasterm", conv || ip)) {
            if (conv) {
                v1.getConvolutionParamBuilder().setBiasTerm(v0.getBiasterm());
            } else {
                v1.getInnerProductParamBuilder().setBiasTerm(v0.getBiasterm());
            }
        }
        if (v0.hasWeightFiller() && f.check("weight_filler", conv || ip)) {
            if (conv) {
                v1.getConvolutionParamBuilder().setWeightFiller(v0.getWeightFiller());
            } else {
                v1.getInnerProductParamBuilder().setWeightFiller(v0.getWeightFiller());
            }
        }
        if (v0.hasBiasFiller() && f.check("bias_filler", conv || ip)) {
            if (conv) {
                v1.getConvolutionParamBuilder().setBiasFiller(v0.getBiasFiller());
            } else {
                v1.getInnerProductParamBuilder().setBiasFiller(v0.getBiasFiller());
            }
        }
        if (v0.hasPad() && f.check("pad", conv || pool)) {
            if (conv) {
                v1.getConvolutionParamBuilder().addPad(v0.getPad());
            } else {
                v1.getPoolingParamBuilder().setPad(v0.getPad());
            }
        }
        if (v0.hasKernelsize() && f.check("kernelsize", conv || pool)) {
            if (conv) {
                v1.getConvolutionParamBuilder().addKernelSize(v0.getKernelsize());
            } else {
                v1.getPoolingParamBuilder().setKernelSize(v0.getKernelsize());
            }
        }
        if (v0.hasGroup() && f.check("group", conv)) {
            v1.getConvolutionParamBuilder().setGroup(v0.getGroup());
        }
        if (v0.hasStride() && f.check("stride", conv || pool)) {
            if (conv) {
                v1.getConvolutionParamBuilder().addStride(v0.getStride());
            } else {
                v1.getPoolingParamBuilder().setStride(v0.getStride());
            }
        }
        if (v0.hasPool() && f.check("pool", pool)) {
            v1.getPoolingParamBuilder().setPool(PoolingParameter.PoolMethod.forNumber(v0.getPool().getNumber()));
        }
        if (v0.hasDropoutRatio() && f.check("dropout_ratio", t.equals("dropout"))) {
            v1.getDropoutParamBuilder().setDropoutRatio(v0.getDropoutRatio());
        }
        boolean lrn = t.equals("lrn");
        if (v0.hasLocalSize() && f.check("local_size", lrn)) {
            v1.getLrnParamBuilder().setLocalSize(v0.getLocalSize());
        }
        if (v0.hasAlpha() && f.check("alpha", lrn)) {
            v1.getLrnParamBuilder().setAlpha(v0.getAlpha());
        }
        if (v0.hasBeta() && f.check("beta", lrn)) {
            v1.getLrnParamBuilder().setBeta(v0.getBeta());
        }
        if (v0.hasK() && f.check("k", lrn)) {
            v1.getLrnParamBuilder().setK(v0.getK());
        }
        if (v0.hasSource() && f.check("source", data || images)) {
            if (data) {
                v1.getDataParamBuilder().setSource(v0.getSource());
            } else {
                v1.getImageDataParamBuilder().setSource(v0.getSource());
            }
        }
        // Preprocessing goes straight to transform_param, where Caffe's second pass would move it.
        if (v0.hasScale() && f.check("scale", data || images)) {
            v1.getTransformParamBuilder().setScale(v0.getScale());
        }
        if (v0.hasMeanfile() && f.check("meanfile", data || images)) {
            v1.getTransformParamBuilder().setMeanFile(v0.getMeanfile());
        }
        if (v0.hasCropsize() && f.check("cropsize", data || images)) {
            v1.getTransformParamBuilder().setCropSize(v0.getCropsize());
        }
        if (v0.hasMirror() && f.check("mirror", data || images)) {
            v1.getTransformParamBuilder().setMirror(v0.getMirror());
        }
        if (v0.hasBatchsize() && f.check("batchsize", data || images)) {
            if (data) {
                v1.getDataParamBuilder().setBatchSize(v0.getBatchsize());
            } else {
                v1.getImageDataParamBuilder().setBatchSize(v0.getBatchsize());
            }
        }
        if (v0.hasRandSkip() && f.check("rand_skip", data || images)) {
            if (data) {
                v1.getDataParamBuilder().setRandSkip(v0.getRandSkip());
            } else {
                v1.getImageDataParamBuilder().setRandSkip(v0.getRandSkip());
            }
        }
        if (v0.hasShuffleImages() && f.check("shuffle_images", images)) {
            v1.getImageDataParamBuilder().setShuffle(v0.getShuffleImages());
        }
        if (v0.hasNewHeight() && f.check("new_height", images)) {
            v1.getImageDataParamBuilder().setNewHeight(v0.getNewHeight());
        }
        if (v0.hasNewWidth() && f.check("new_width", images)) {
            v1.getImageDataParamBuilder().setNewWidth(v0.getNewWidth());
        }
        if (v0.hasConcatDim() && f.check("concat_dim", t.equals("concat"))) {
            v1.getConcatParamBuilder().setConcatDim(v0.getConcatDim());
        }
        // Fields of layer types Graft has no parameters for (window_data, hdf5, infogain).
        f.dropIf(v0.hasNewNum(), "new_num");
        f.dropIf(v0.hasNewChannels(), "new_channels");
        f.dropIf(v0.hasDetFgThreshold() || v0.hasDetBgThreshold() || v0.hasDetFgFraction() || v0.hasDetContextPad()
                || v0.hasDetCropMode(), "det_*");

        v1.addAllBlobs(v0.getBlobsList());
        v1.addAllBlobsLr(v0.getBlobsLrList());
        v1.addAllWeightDecay(v0.getWeightDecayList());
        return v1.build();
    }

    /** Caffe logs a V0 field set on a layer type it means nothing for, and carries on; so do we. */
    private record V0Fields(String source, String layer, String type, Consumer<String> warnings) {
        boolean check(String field, boolean applies) {
            if (!applies) {
                warnings.accept(source + ": layer '" + layer + "' (V0 type '" + type + "'): field '" + field
                        + "' has no meaning for this type; ignored");
            }
            return applies;
        }

        void dropIf(boolean present, String field) {
            if (present) {
                warnings.accept(source + ": layer '" + layer + "' (V0 type '" + type + "'): field '" + field
                        + "' is not supported by Graft; ignored");
            }
        }
    }

    // ------------------------------------------------------------------- V1 data transformation

    /** The fields old V1 data layers kept in their data parameters and Caffe moved to transform_param (same names). */
    private static final List<String> MOVED_TO_TRANSFORM = List.of("scale", "mean_file", "crop_size", "mirror");

    /** Old V1 data layers keep scale/mean_file/crop_size/mirror in their data parameters. */
    private static V1LayerParameter moveDataTransform(V1LayerParameter l) {
        String key = l.getType() == LayerType.DATA ? "data_param" : l.getType() == LayerType.IMAGE_DATA ? "image_data_param" : null;
        FieldDescriptor param = key == null ? null : V1LayerParameter.getDescriptor().findFieldByName(key);
        if (param == null || !l.hasField(param)) {
            return l;
        }
        V1LayerParameter.Builder b = l.toBuilder();
        Message.Builder data = b.getFieldBuilder(param);
        for (String name : MOVED_TO_TRANSFORM) {
            FieldDescriptor from = data.getDescriptorForType().findFieldByName(name);
            if (data.hasField(from)) {
                b.getTransformParamBuilder().setField(TransformationParameter.getDescriptor().findFieldByName(name), data.getField(from));
                data.clearField(from);
            }
        }
        return b.build();
    }

    // ----------------------------------------------------------------------------------- V1 -> V2

    /** Caffe's V2 type string for a V1 enum ("" for NONE). */
    public static String v2TypeName(LayerType type) {
        switch (type) {
            case NONE: return "";
            case ABSVAL: return "AbsVal";
            case ACCURACY: return "Accuracy";
            case ARGMAX: return "ArgMax";
            case BNLL: return "BNLL";
            case CONCAT: return "Concat";
            case CONTRASTIVE_LOSS: return "ContrastiveLoss";
            case CONVOLUTION: return "Convolution";
            case DATA: return "Data";
            case DECONVOLUTION: return "Deconvolution";
            case DROPOUT: return "Dropout";
            case DUMMY_DATA: return "DummyData";
            case EUCLIDEAN_LOSS: return "EuclideanLoss";
            case ELTWISE: return "Eltwise";
            case EXP: return "Exp";
            case FLATTEN: return "Flatten";
            case HDF5_DATA: return "HDF5Data";
            case HDF5_OUTPUT: return "HDF5Output";
            case HINGE_LOSS: return "HingeLoss";
            case IM2COL: return "Im2col";
            case IMAGE_DATA: return "ImageData";
            case INFOGAIN_LOSS: return "InfogainLoss";
            case INNER_PRODUCT: return "InnerProduct";
            case LRN: return "LRN";
            case MEMORY_DATA: return "MemoryData";
            case MULTINOMIAL_LOGISTIC_LOSS: return "MultinomialLogisticLoss";
            case MVN: return "MVN";
            case POOLING: return "Pooling";
            case POWER: return "Power";
            case RELU: return "ReLU";
            case SIGMOID: return "Sigmoid";
            case SIGMOID_CROSS_ENTROPY_LOSS: return "SigmoidCrossEntropyLoss";
            case SILENCE: return "Silence";
            case SOFTMAX: return "Softmax";
            case SOFTMAX_LOSS: return "SoftmaxWithLoss";
            case SPLIT: return "Split";
            case SLICE: return "Slice";
            case TANH: return "TanH";
            case WINDOW_DATA: return "WindowData";
            case THRESHOLD: return "Threshold";
            default: throw new IllegalArgumentException("unknown V1 layer type " + type);
        }
    }

    private static LayerParameter upgradeV1(String source, int index, V1LayerParameter v1, Consumer<String> warnings) {
        LayerParameter.Builder v2 = LayerParameter.newBuilder()
                .addAllBottom(v1.getBottomList())
                .addAllTop(v1.getTopList())
                .addAllInclude(v1.getIncludeList())
                .addAllExclude(v1.getExcludeList())
                .addAllBlobs(v1.getBlobsList())
                .addAllLossWeight(v1.getLossWeightList());
        if (v1.hasName()) {
            v2.setName(v1.getName());
        }
        if (v1.hasType()) {
            if (v1.getType() == LayerType.NONE) {
                warnings.accept(source + ": layer " + index + " ('" + v1.getName() + "') has type NONE");
            }
            v2.setType(v2TypeName(v1.getType()));
        }
        List<ParamSpec.Builder> specs = new ArrayList<>();
        for (int i = 0; i < v1.getParamCount(); i++) {
            spec(specs, i).setName(v1.getParam(i));
        }
        for (int i = 0; i < v1.getBlobShareModeCount(); i++) {
            spec(specs, i).setShareMode(ParamSpec.DimCheckMode.forNumber(v1.getBlobShareMode(i).getNumber()));
        }
        for (int i = 0; i < v1.getBlobsLrCount(); i++) {
            spec(specs, i).setLrMult(v1.getBlobsLr(i));
        }
        for (int i = 0; i < v1.getWeightDecayCount(); i++) {
            spec(specs, i).setDecayMult(v1.getWeightDecay(i));
        }
        for (ParamSpec.Builder s : specs) {
            v2.addParam(s);
        }
        // Every typed parameter message has the same name (and message type) in V1 and V2; only the numbers differ.
        for (Map.Entry<FieldDescriptor, Object> e : v1.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            if (f.getName().endsWith("_param")) {
                v2.setField(LayerParameter.getDescriptor().findFieldByName(f.getName()), e.getValue());
            }
        }
        // V1 fields Graft does not model stay behind: their field numbers mean other things in V2.
        if (!v1.getUnknownFields().asMap().isEmpty()) {
            warnings.accept(source + ": layer " + index + " ('" + v1.getName() + "'): V1 fields numbered "
                    + v1.getUnknownFields().asMap().keySet() + " are not known to Graft and were dropped");
        }
        return v2.build();
    }

    private static ParamSpec.Builder spec(List<ParamSpec.Builder> specs, int i) {
        while (specs.size() <= i) {
            specs.add(ParamSpec.newBuilder());
        }
        return specs.get(i);
    }

    // ---------------------------------------------------------------------------------- inputs

    /** Legacy {@code input} + {@code input_shape}/{@code input_dim} become an "Input" layer placed first. */
    private static void upgradeInputs(String source, NetParameter.Builder net, Consumer<String> warnings) {
        int inputs = net.getInputCount();
        boolean hasShape = net.getInputShapeCount() > 0;
        boolean hasDim = net.getInputDimCount() > 0;
        if (hasShape || hasDim) {
            if (inputs == 0) {
                throw new CaffeFormatException(source + ": the net has input_shape/input_dim but no 'input' names");
            }
            if (hasShape && hasDim) {
                warnings.accept(source + ": the net gives both input_shape and input_dim; input_shape is used, as Caffe does");
            }
            if (hasShape && net.getInputShapeCount() != inputs) {
                throw new CaffeFormatException(source + ": expected one input_shape per input (" + inputs + "), found "
                        + net.getInputShapeCount());
            }
            if (!hasShape && net.getInputDimCount() != 4 * inputs) {
                throw new CaffeFormatException(source + ": expected 4 input_dim values (N, C, H, W) per input, i.e. "
                        + 4 * inputs + ", found " + net.getInputDimCount());
            }
            InputParameter.Builder param = InputParameter.newBuilder();
            for (int i = 0; i < inputs; i++) {
                if (hasShape) {
                    param.addShape(net.getInputShape(i));
                } else {
                    BlobShape.Builder shape = BlobShape.newBuilder();
                    for (int d = 4 * i; d < 4 * i + 4; d++) {
                        shape.addDim(net.getInputDim(d));
                    }
                    param.addShape(shape);
                }
            }
            LayerParameter input = LayerParameter.newBuilder()
                    .setName("input")
                    .setType("Input")
                    .addAllTop(net.getInputList())
                    .setInputParam(param)
                    .build();
            net.addLayer(0, input);
        }
        // An input without shape is how old caffemodels recorded the data blob: dropping it is enough.
        net.clearInput().clearInputShape().clearInputDim();
    }

    // ---------------------------------------------------------------------------------- solvers

    /** Upgrades a solver's legacy fields (logging warnings): solver_type to type, and embedded nets. */
    public static SolverParameter upgradeSolver(SolverParameter solver, String source) {
        return upgradeSolver(solver, source, w -> LOG.log(System.Logger.Level.WARNING, w));
    }

    /** Upgrades a solver's legacy fields: the solver_type enum to the type string, and embedded nets. */
    public static SolverParameter upgradeSolver(SolverParameter solver, String source, Consumer<String> warnings) {
        SolverParameter.Builder b = solver.toBuilder();
        if (solver.hasSolverType()) {
            if (solver.hasType()) {
                throw new CaffeFormatException(source + ": the solver gives both the old 'solver_type' ("
                        + solver.getSolverType() + ") and the new 'type' (\"" + solver.getType() + "\"); give only 'type'");
            }
            b.setType(solverTypeName(solver.getSolverType())).clearSolverType();
        }
        if (solver.hasNetParam()) {
            b.setNetParam(upgrade(solver.getNetParam(), source + " (net_param)", warnings));
        }
        if (solver.hasTrainNetParam()) {
            b.setTrainNetParam(upgrade(solver.getTrainNetParam(), source + " (train_net_param)", warnings));
        }
        for (int i = 0; i < solver.getTestNetParamCount(); i++) {
            b.setTestNetParam(i, upgrade(solver.getTestNetParam(i), source + " (test_net_param " + i + ")", warnings));
        }
        return b.build();
    }

    static String solverTypeName(SolverParameter.SolverType type) {
        switch (type) {
            case SGD: return "SGD";
            case NESTEROV: return "Nesterov";
            case ADAGRAD: return "AdaGrad";
            case RMSPROP: return "RMSProp";
            case ADADELTA: return "AdaDelta";
            case ADAM: return "Adam";
            default: throw new IllegalArgumentException("unknown solver type " + type);
        }
    }
}
