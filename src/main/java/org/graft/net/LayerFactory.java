package org.graft.net;

import org.graft.layers.AccuracyLayer;
import org.graft.layers.ConvolutionLayer;
import org.graft.layers.DropoutLayer;
import org.graft.layers.InnerProductLayer;
import org.graft.layers.LRNLayer;
import org.graft.layers.Layer;
import org.graft.layers.PoolingLayer;
import org.graft.layers.ReLULayer;
import org.graft.layers.SoftmaxLayer;
import org.graft.layers.SoftmaxWithLossLayer;
import org.graft.layers.SplitLayer;
import org.graft.net.config.ConvolutionParam;
import org.graft.net.config.InnerProductParam;
import org.graft.net.config.LayerConfig;

/**
 * Creates the compute layer a (validated) layer config describes. Layers whose settings are one Caffe
 * message get their Spec as the config holds it; Data and Input layers are not layers here.
 */
public final class LayerFactory {
    private LayerFactory() {
    }

    public static Layer create(LayerConfig lc) {
        String name = lc.name();
        return switch (lc.type()) {
            case CONVOLUTION -> {
                ConvolutionParam p = lc.convolutionParam();
                if (p.axis() != 1) {
                    throw new IllegalArgumentException("layer '" + name + "': convolution_param.axis " + p.axis() + " is not supported (only 1)");
                }
                yield new ConvolutionLayer(name, new ConvolutionLayer.Spec(p.numOutput(), p.kernelH(), p.kernelW(), p.strideH(),
                        p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(), p.group(), p.biasTerm()));
            }
            case POOLING -> new PoolingLayer(name, lc.poolingParam());
            case LRN -> new LRNLayer(name, lc.lrnParam());
            case RELU -> new ReLULayer(name, lc.reluParam());
            case DROPOUT -> new DropoutLayer(name, lc.dropoutParam());
            case INNER_PRODUCT -> {
                InnerProductParam p = lc.innerProductParam();
                yield new InnerProductLayer(name, new InnerProductLayer.Spec(p.numOutput(), p.biasTerm(), p.transpose(), p.axis()));
            }
            case SOFTMAX -> new SoftmaxLayer(name, lc.softmaxParam());
            case SOFTMAX_WITH_LOSS -> new SoftmaxWithLossLayer(name, lc.lossParam());
            case ACCURACY -> new AccuracyLayer(name, lc.accuracyParam());
            case SPLIT -> new SplitLayer(name, lc.top().size());
            default -> throw new IllegalArgumentException("layer '" + name + "' of type " + lc.type().jsonName()
                    + " is a data layer, not a compute layer");
        };
    }
}
