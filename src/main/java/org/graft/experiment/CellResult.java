package org.graft.experiment;

import java.util.List;

/**
 * The outcome of one cell as stored in its {@code result.json}: DONE with the final test top-1/top-5 and
 * loss and the learning curve (every test pass), FAILED with the reason (e.g. the loss diverged), or SKIPPED
 * with the reason (a cell it copies from failed). Accuracies are NaN where unknown.
 */
public record CellResult(String id, Status status, String reason, double finalTop1, double finalTop5, double finalLoss,
                         List<CurvePoint> curve, int iterations, long seed, String device, String backend, double wallSeconds,
                         String started, String finished, String model) {
    public enum Status {
        DONE, FAILED, SKIPPED
    }

    /** One test pass. */
    public record CurvePoint(int iter, double top1, double top5, double loss) {
    }

    public CellResult {
        curve = List.copyOf(curve);
    }

    public boolean done() {
        return status == Status.DONE;
    }

    /** This network's accuracy by the given metric (NaN when it has none). */
    public double accuracy(Metric metric) {
        return metric.of(curve.stream().map(CurvePoint::top1).toList());
    }

    public static CellResult notRun(String id, Status status, String reason, long seed) {
        return new CellResult(id, status, reason, Double.NaN, Double.NaN, Double.NaN, List.of(), 0, seed, null, null, 0, null, null, null);
    }
}
