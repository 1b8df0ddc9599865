package org.graft.zoo;

/** VGG-16 (testdata/zoo/vgg16) imports, times and trains in Graft. */
class Vgg16Test extends ZooNetChecks {
    @Override
    String net() {
        return "vgg16";
    }

    @Override
    String scores() {
        return "fc8";
    }

    @Override
    int trainSide() {
        return 224;
    }

    /** 0.01 overshoots from the msra start (loss 7.1, 2.0, then 43.7: a saturated softmax). */
    @Override
    double learningRate() {
        return 0.001;
    }
}
