package org.graft.zoo;

/** GoogLeNet (testdata/zoo/googlenet) imports, times and trains in Graft. */
class GoogLeNetTest extends ZooNetChecks {
    @Override
    String net() {
        return "googlenet";
    }

    @Override
    String scores() {
        return "loss3/classifier";
    }

    @Override
    int trainSide() {
        return 224;
    }
}
