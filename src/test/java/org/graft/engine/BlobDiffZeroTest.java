package org.graft.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.graft.opencl.ClBuffer;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

/**
 * A blob's gradient starts at zero, as Caffe's freshly allocated memory: a Split adds up the diffs of all
 * its tops, and a top whose consumer never runs backward (Accuracy in TRAIN) is never written. Without the
 * zeroing that sum read whatever the driver's reused memory held, and training turned NaN at random.
 */
class BlobDiffZeroTest {
    @Test
    void aFreshDiffReadsAsZerosEvenWhereFreedMemoryHeldGarbage() {
        Engine e = TestEngines.get();
        float[] nan = new float[4096];
        Arrays.fill(nan, Float.NaN);
        for (int i = 0; i < 8; i++) {
            ClBuffer dirty = e.alloc(nan.length, "dirty");
            e.cl().writeFloats(dirty, nan);
            e.finish();
            dirty.close();
        }
        for (int i = 0; i < 8; i++) {
            try (Blob b = new Blob(e, "fresh", 4, 1024)) {
                assertThat(b.downloadDiff()).hasSize(4096).containsOnly(0f);
            }
        }
    }
}
