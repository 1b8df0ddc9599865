package org.graft.testing;

import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Pass;
import org.graft.selftest.GradientCheck;

/**
 * The tests' finite-difference gradient check: runs {@link GradientCheck} (the one implementation,
 * shared with {@code selftest}; its javadoc gives the objective and the tolerance) and fails the test
 * with the worst discrepancy when the check does not pass.
 */
public final class GradientChecker {
    private final GradientCheck check;

    public GradientChecker(double step, double threshold, int maxChecksPerBlob) {
        this.check = new GradientCheck(step, threshold, maxChecksPerBlob);
    }

    public GradientChecker() {
        this.check = new GradientCheck();
    }

    /**
     * Checks d(Σ top·R)/d(bottom) for every bottom in {@code checkBottoms} and d/d(param) for every
     * parameter. The layer must already be set up, and bottoms filled with data.
     */
    public void check(Engine e, Layer layer, List<Blob> bottom, List<Blob> top, boolean[] checkBottoms, Pass pass) {
        GradientCheck.Result result = check.check(layer, bottom, top, checkBottoms, pass);
        if (!result.passed()) {
            fail(result.describe());
        }
    }
}
