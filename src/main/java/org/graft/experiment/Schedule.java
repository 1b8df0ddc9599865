package org.graft.experiment;

import java.util.List;
import org.graft.net.config.SolverConfig;

/**
 * How long and how each network of the grid trains: the same for every cell, base and transfer alike,
 * as in the paper (caffe-format.md A3). {@code maxIter} is the knob that sizes the whole grid; the
 * learning-rate steps of the base net's solver are scaled with it so that they fall at the same fraction
 * of the run. Null fields keep or derive the value as documented in docs/experiment-json.md.
 */
public record Schedule(Integer maxIter, Double baseLr, Integer stepsize, List<Integer> stepvalue, Integer testInterval,
                       int tests, Integer testIter, int snapshot, Integer display, boolean testInitialization) {
    public static final Schedule DEFAULT = new Schedule(null, null, null, null, null, 10, null, 0, null, false);

    /** The solver of every cell: the base net's solver with this schedule applied. */
    public SolverConfig apply(SolverConfig base) {
        int max = maxIter != null ? maxIter : base.maxIter();
        double scale = base.maxIter() > 0 ? (double) max / base.maxIter() : 1.0;
        SolverConfig.Builder b = base.toBuilder().maxIter(max).snapshot(snapshot).snapshotAfterTrain(true)
                .testInitialization(testInitialization);
        if (baseLr != null) {
            b.baseLr(baseLr);
        }
        if (stepsize != null) {
            b.stepsize(stepsize);
        } else if (base.stepsize() > 0) {
            b.stepsize(Math.max(1, (int) Math.round(base.stepsize() * scale)));
        }
        if (stepvalue != null) {
            b.stepvalue(stepvalue);
        } else if (!base.stepvalue().isEmpty()) {
            b.stepvalue(base.stepvalue().stream().map(v -> Math.max(1, (int) Math.round(v * scale))).distinct().toList());
        }
        int interval = testInterval(max);
        b.testInterval(interval);
        if (testIter != null) {
            b.testIter(testIter);
        }
        b.display(display != null ? display : Math.max(1, max / 20));
        return b.build();
    }

    /** The test interval: as given, else max_iter / tests rounded down (at least 1). */
    public int testInterval(int max) {
        return testInterval != null ? testInterval : Math.max(1, max / Math.max(1, tests));
    }
}
