package org.graft.solver;

/** The loss became NaN or infinite: training stops, and the last good snapshot is kept. */
public final class DivergedException extends RuntimeException {
    private final long iteration;

    public DivergedException(long iteration, double loss) {
        super("the training loss became " + loss + " at iteration " + iteration
                + "; training stopped (the last snapshot written before it is intact). A lower base_lr usually helps.");
        this.iteration = iteration;
    }

    public long iteration() {
        return iteration;
    }
}
