package org.graft.solver;

/** The loss became NaN or infinite: training stops, and the last good snapshot is kept. */
public final class DivergedException extends RuntimeException {
    private final long iteration;

    public DivergedException(long iteration, double loss) {
        this(iteration, "the training loss became " + loss + " at iteration " + iteration + "; training stopped");
    }

    /** With the full story the trainer can tell: which snapshot is intact, whether the loss rose first. */
    public DivergedException(long iteration, String message) {
        super(message);
        this.iteration = iteration;
    }

    public long iteration() {
        return iteration;
    }
}
