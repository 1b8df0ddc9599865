package org.graft.zoo;

/** MobileNet v1 (testdata/zoo/mobilenet) imports, times and trains in Graft. */
class MobileNetTest extends ZooNetChecks {
    @Override
    String net() {
        return "mobilenet";
    }

    @Override
    String scores() {
        return "fc7";
    }

    @Override
    int trainSide() {
        return 224;
    }
}
