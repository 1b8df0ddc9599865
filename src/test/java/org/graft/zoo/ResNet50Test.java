package org.graft.zoo;

/** ResNet-50 (testdata/zoo/resnet50) imports, times and trains in Graft. */
class ResNet50Test extends ZooNetChecks {
    @Override
    String net() {
        return "resnet50";
    }

    @Override
    String scores() {
        return "fc1000";
    }

    @Override
    int trainSide() {
        return 224;
    }

    /**
     * Trained as ResNets are: BatchNorm on batch statistics. The deploy net's use_global_stats: true would
     * freeze them to the exported statistics, and nothing would normalise while it trains (at 0.001 the
     * loss then went 7.5, 11.1, 1.0, 43.7).
     */
    @Override
    String trainingText(String deployText) {
        return deployText.replace("use_global_stats: true", "use_global_stats: false");
    }

    /** At 0.01 (momentum 0.9, batch statistics of 2 images) the loss oscillated: 7.2, 1.2, 7.3, 3.9. */
    @Override
    double learningRate() {
        return 0.001;
    }
}
