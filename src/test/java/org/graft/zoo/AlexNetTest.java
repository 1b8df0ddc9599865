package org.graft.zoo;

/** AlexNet (testdata/zoo/alexnet) imports, times and trains in Graft. */
class AlexNetTest extends ZooNetChecks {
    @Override
    String net() {
        return "alexnet";
    }

    @Override
    String scores() {
        return "fc8";
    }

    @Override
    int trainSide() {
        return 227;
    }
}
