package org.graft.experiment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The outcome of one cell as stored in its {@code result.json}: DONE with the final test top-1/top-5 and
 * loss and the learning curve (every test pass), FAILED with the reason (e.g. the loss diverged), or SKIPPED
 * with the reason (a cell it copies from failed). Accuracies are NaN where unknown (null in the file).
 */
@JsonPropertyOrder({"id", "status", "reason", "top1", "top5", "loss", "iterations", "seed", "device", "backend", "wall_seconds",
        "started", "finished", "model", "curve"})
@JsonIgnoreProperties({CellResult.CELL, CellResult.NET})
public record CellResult(String id, Status status, String reason, @JsonProperty("top1") double finalTop1, @JsonProperty("top5") double finalTop5,
                         @JsonProperty("loss") double finalLoss,
                         List<CurvePoint> curve, int iterations, long seed, String device, String backend, double wallSeconds,
                         String started, String finished, String model) {
    /** The fields result.json holds beside the result: the cell's config and net, for the record. */
    static final String CELL = "cell";
    static final String NET = "net";

    public enum Status {
        @JsonProperty("done") DONE,
        @JsonProperty("failed") FAILED,
        @JsonProperty("skipped") SKIPPED
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
