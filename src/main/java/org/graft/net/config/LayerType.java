package org.graft.net.config;

/**
 * The layer types Graft implements, spelled in net.json as Caffe's V2 type strings, with how many
 * bottoms and tops each takes (-1 = no upper bound).
 */
public enum LayerType implements JsonEnum {
    INPUT("Input", 0, 0, 1, -1),
    DATA("Data", 0, 0, 1, 2),
    IMAGE_DATA("ImageData", 0, 0, 1, 2),
    CONVOLUTION("Convolution", 1, 1, 1, 1),
    POOLING("Pooling", 1, 1, 1, 1),
    LRN("LRN", 1, 1, 1, 1),
    RELU("ReLU", 1, 1, 1, 1),
    DROPOUT("Dropout", 1, 1, 1, 1),
    INNER_PRODUCT("InnerProduct", 1, 1, 1, 1),
    SOFTMAX("Softmax", 1, 1, 1, 1),
    SOFTMAX_WITH_LOSS("SoftmaxWithLoss", 2, 2, 1, 1),
    ACCURACY("Accuracy", 2, 2, 1, 1),
    SPLIT("Split", 1, 1, 1, -1);

    private final String jsonName;
    private final int minBottoms;
    private final int maxBottoms;
    private final int minTops;
    private final int maxTops;

    LayerType(String jsonName, int minBottoms, int maxBottoms, int minTops, int maxTops) {
        this.jsonName = jsonName;
        this.minBottoms = minBottoms;
        this.maxBottoms = maxBottoms;
        this.minTops = minTops;
        this.maxTops = maxTops;
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

    /** Layers that read no bottoms and produce the net's inputs. */
    public boolean isData() {
        return this == INPUT || this == DATA || this == IMAGE_DATA;
    }

    /** Loss layers: their first top has loss weight 1 unless loss_weight says otherwise (Caffe's rule). */
    public boolean isLoss() {
        return this == SOFTMAX_WITH_LOSS;
    }

    /** Element-wise layers that may write their top over their bottom (top name = bottom name). */
    public boolean allowsInPlace() {
        return this == RELU || this == DROPOUT;
    }

    /** Layers with learnable blobs (weights, then bias when bias_term is on). */
    public boolean hasParams() {
        return this == CONVOLUTION || this == INNER_PRODUCT;
    }
}
