package org.graft.net.config;

import java.util.List;
import java.util.function.Function;
import org.graft.ops.accuracy.AccuracyLayer;
import org.graft.ops.batchnorm.BatchNormLayer;
import org.graft.ops.bias.BiasLayer;
import org.graft.ops.concat.ConcatLayer;
import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.ops.crop.CropLayer;
import org.graft.ops.deconvolution.DeconvolutionLayer;
import org.graft.ops.dropout.DropoutLayer;
import org.graft.ops.elu.ELULayer;
import org.graft.ops.flatten.FlattenLayer;
import org.graft.ops.eltwise.EltwiseLayer;
import org.graft.ops.prelu.PReLULayer;
import org.graft.ops.absval.AbsValLayer;
import org.graft.ops.power.PowerLayer;
import org.graft.ops.clip.ClipLayer;
import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.ops.lrn.LRNLayer;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.SettingChecks;
import org.graft.ops.pooling.PoolingLayer;
import org.graft.ops.relu.ReLULayer;
import org.graft.ops.scale.ScaleLayer;
import org.graft.ops.reshape.ReshapeLayer;
import org.graft.ops.sigmoid.SigmoidLayer;
import org.graft.ops.softmax.SoftmaxLayer;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossLayer;
import org.graft.ops.slice.SliceLayer;
import org.graft.ops.split.SplitLayer;
import org.graft.ops.tanh.TanHLayer;

/**
 * The layer types Graft implements, spelled in net.json as Caffe's V2 type strings: the one place a
 * type is registered, with how many bottoms and tops it takes (-1 = no upper bound), the typed parameter
 * messages of caffe.proto it reads (any other is refused) and how its compute layer is made from a
 * validated config (none for the data layers, which become the net's inputs).
 */
public enum LayerType implements JsonEnum {
    INPUT("Input", 0, 0, 1, -1, List.of("input_param"), null),
    DATA("Data", 0, 0, 1, 2, List.of("data_param", "transform_param"), null),
    IMAGE_DATA("ImageData", 0, 0, 1, 2, List.of("image_data_param", "transform_param"), null),
    CONVOLUTION("Convolution", 1, 1, 1, 1, List.of("convolution_param"), ConvolutionLayer.Spec::bind,
            lc -> new ConvolutionLayer(lc.name(), lc.settings(ConvolutionLayer.Spec.class))),
    POOLING("Pooling", 1, 1, 1, 1, List.of("pooling_param"), PoolingLayer.Spec::bind,
            lc -> new PoolingLayer(lc.name(), lc.settings(PoolingLayer.Spec.class))),
    LRN("LRN", 1, 1, 1, 1, List.of("lrn_param"), LRNLayer.Spec::bind, lc -> new LRNLayer(lc.name(), lc.settings(LRNLayer.Spec.class))),
    RELU("ReLU", 1, 1, 1, 1, List.of("relu_param"), ReLULayer.Spec::bind, lc -> new ReLULayer(lc.name(), lc.settings(ReLULayer.Spec.class))),
    DROPOUT("Dropout", 1, 1, 1, 1, List.of("dropout_param"), DropoutLayer.Spec::bind,
            lc -> new DropoutLayer(lc.name(), lc.settings(DropoutLayer.Spec.class))),
    INNER_PRODUCT("InnerProduct", 1, 1, 1, 1, List.of("inner_product_param"), InnerProductLayer.Spec::bind,
            lc -> new InnerProductLayer(lc.name(), lc.settings(InnerProductLayer.Spec.class))),
    SOFTMAX("Softmax", 1, 1, 1, 1, List.of("softmax_param"), SoftmaxLayer.Spec::bind,
            lc -> new SoftmaxLayer(lc.name(), lc.settings(SoftmaxLayer.Spec.class))),
    SOFTMAX_WITH_LOSS("SoftmaxWithLoss", 2, 2, 1, 1, List.of("softmax_param", "loss_param"), SoftmaxWithLossLayer.Spec::bind,
            lc -> new SoftmaxWithLossLayer(lc.name(), lc.settings(SoftmaxWithLossLayer.Spec.class))),
    ACCURACY("Accuracy", 2, 2, 1, 1, List.of("accuracy_param"), AccuracyLayer.Spec::bind,
            lc -> new AccuracyLayer(lc.name(), lc.settings(AccuracyLayer.Spec.class))),
    SPLIT("Split", 1, 1, 1, -1, List.of(), lc -> new SplitLayer(lc.name(), lc.top().size())),
    SIGMOID("Sigmoid", 1, 1, 1, 1, List.of(), lc -> new SigmoidLayer(lc.name())),
    TANH("TanH", 1, 1, 1, 1, List.of(), lc -> new TanHLayer(lc.name())),
    ELU("ELU", 1, 1, 1, 1, List.of("elu_param"), ELULayer.Spec::bind, lc -> new ELULayer(lc.name(), lc.settings(ELULayer.Spec.class))),
    BATCH_NORM("BatchNorm", 1, 1, 1, 1, List.of("batch_norm_param"), BatchNormLayer.Spec::bind,
            lc -> new BatchNormLayer(lc.name(), lc.settings(BatchNormLayer.Spec.class))),
    SCALE("Scale", 1, 2, 1, 1, List.of("scale_param"), ScaleLayer.Spec::bind, lc -> new ScaleLayer(lc.name(), lc.settings(ScaleLayer.Spec.class))),
    BIAS("Bias", 1, 2, 1, 1, List.of("bias_param"), BiasLayer.Spec::bind, lc -> new BiasLayer(lc.name(), lc.settings(BiasLayer.Spec.class))),
    CONCAT("Concat", 1, -1, 1, 1, List.of("concat_param"), ConcatLayer.Spec::bind,
            lc -> new ConcatLayer(lc.name(), lc.settings(ConcatLayer.Spec.class))),
    SLICE("Slice", 1, 1, 1, -1, List.of("slice_param"), SliceLayer.Spec::bind,
            lc -> new SliceLayer(lc.name(), lc.settings(SliceLayer.Spec.class), lc.top().size())),
    FLATTEN("Flatten", 1, 1, 1, 1, List.of("flatten_param"), FlattenLayer.Spec::bind,
            lc -> new FlattenLayer(lc.name(), lc.settings(FlattenLayer.Spec.class))),
    RESHAPE("Reshape", 1, 1, 1, 1, List.of("reshape_param"), ReshapeLayer.Spec::bind,
            lc -> new ReshapeLayer(lc.name(), lc.settings(ReshapeLayer.Spec.class))),
    CROP("Crop", 2, 2, 1, 1, List.of("crop_param"), CropLayer.Spec::bind, lc -> new CropLayer(lc.name(), lc.settings(CropLayer.Spec.class))),
    ELTWISE("Eltwise", 2, -1, 1, 1, List.of("eltwise_param"), EltwiseLayer.Spec::bind,
            lc -> new EltwiseLayer(lc.name(), lc.settings(EltwiseLayer.Spec.class))),
    PRELU("PReLU", 1, 1, 1, 1, List.of("prelu_param"), PReLULayer.Spec::bind, lc -> new PReLULayer(lc.name(), lc.settings(PReLULayer.Spec.class))),
    ABSVAL("AbsVal", 1, 1, 1, 1, List.of(), AbsValLayer.Spec::bind, lc -> new AbsValLayer(lc.name(), lc.settings(AbsValLayer.Spec.class))),
    POWER("Power", 1, 1, 1, 1, List.of("power_param"), PowerLayer.Spec::bind, lc -> new PowerLayer(lc.name(), lc.settings(PowerLayer.Spec.class))),
    CLIP("Clip", 1, 1, 1, 1, List.of("clip_param"), ClipLayer.Spec::bind, lc -> new ClipLayer(lc.name(), lc.settings(ClipLayer.Spec.class))),
    DECONVOLUTION("Deconvolution", 1, 1, 1, 1, List.of("convolution_param"), ConvolutionLayer.Spec::bind,
            lc -> new DeconvolutionLayer(lc.name(), lc.settings(ConvolutionLayer.Spec.class)));

    private final String jsonName;
    private final int minBottoms;
    private final int maxBottoms;
    private final int minTops;
    private final int maxTops;
    private final List<String> params;
    private final Binder binder;
    private final Function<LayerConfig, Layer> factory;

    /**
     * Validates a layer's typed parameter message(s) and binds them to the type's {@link LayerSettings};
     * {@code path} is the layer's own ({@code layers[3]}). Lives beside the layer, as its Spec's {@code bind}.
     */
    @FunctionalInterface
    public interface Binder {
        LayerSettings bind(Caffe.LayerParameter layer, SettingChecks checks, String path);
    }

    LayerType(String jsonName, int minBottoms, int maxBottoms, int minTops, int maxTops, List<String> params,
              Function<LayerConfig, Layer> factory) {
        this(jsonName, minBottoms, maxBottoms, minTops, maxTops, params, null, factory);
    }

    /** A type whose settings bind themselves ({@code binder}); the factory reads them with {@link LayerConfig#settings(Class)}. */
    LayerType(String jsonName, int minBottoms, int maxBottoms, int minTops, int maxTops, List<String> params, Binder binder,
              Function<LayerConfig, Layer> factory) {
        this.binder = binder;
        this.jsonName = jsonName;
        this.minBottoms = minBottoms;
        this.maxBottoms = maxBottoms;
        this.minTops = minTops;
        this.maxTops = maxTops;
        this.params = params;
        this.factory = factory;
    }

    /** Caffe's type string, e.g. "InnerProduct". */
    @Override
    public String jsonName() {
        return jsonName;
    }

    public int minBottoms() {
        return minBottoms;
    }

    /** -1 = no upper bound. */
    public int maxBottoms() {
        return maxBottoms;
    }

    public int minTops() {
        return minTops;
    }

    /** -1 = no upper bound. */
    public int maxTops() {
        return maxTops;
    }

    /** The typed parameter messages (e.g. "lrn_param") this type reads; any other is refused (Caffe would silently ignore it). */
    public List<String> params() {
        return params;
    }

    /** Whether this type's settings are a {@link LayerSettings} bound by its own binder. */
    public boolean bindsSettings() {
        return binder != null;
    }

    /** Binds {@code layer}'s typed parameters (see {@link Binder}). */
    public LayerSettings bind(Caffe.LayerParameter layer, SettingChecks checks, String path) {
        if (binder == null) {
            throw new IllegalStateException(jsonName + " settings are bound by NetBinder");
        }
        return binder.bind(layer, checks, path);
    }

    /** Layers that read no bottoms and produce the net's inputs. */
    public boolean isData() {
        return factory == null;
    }

    /** Loss layers: their first top has loss weight 1 unless loss_weight says otherwise (Caffe's rule). */
    public boolean isLoss() {
        return this == SOFTMAX_WITH_LOSS;
    }

    /** The compute layer {@code lc} (a validated config of this type) describes. */
    public Layer create(LayerConfig lc) {
        if (factory == null) {
            throw new IllegalArgumentException("layer '" + lc.name() + "' of type " + jsonName
                    + " is a data layer, not a compute layer");
        }
        return factory.apply(lc);
    }

}
