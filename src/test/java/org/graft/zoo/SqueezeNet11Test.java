package org.graft.zoo;

/** SqueezeNet v1.1 (testdata/zoo/squeezenet1.1) imports, times and trains in Graft. */
class SqueezeNet11Test extends ZooNetChecks {
    @Override
    String net() {
        return "squeezenet1.1";
    }

    @Override
    String scores() {
        return "pool10";
    }

    @Override
    int trainSide() {
        return 227;
    }

    /** SqueezeNet's own base_lr; at 0.01 the loss falls only in the third decimal (conv10's gaussian 0.01 start gives near-zero scores). */
    @Override
    double learningRate() {
        return 0.04;
    }
}
