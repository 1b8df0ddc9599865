package org.graft.zoo;

import org.junit.jupiter.api.Disabled;

/** ResNet-50 (testdata/zoo/resnet50) imports, times and trains in Graft. */
@Disabled("needs the BatchNorm, Scale and Eltwise layers (not in Graft yet)")
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
}
