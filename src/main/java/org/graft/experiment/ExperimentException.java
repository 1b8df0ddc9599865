package org.graft.experiment;

/**
 * A problem with an experiment that the user must fix (a bad experiment.json, a plan folder that does not
 * match, a cell that cannot run). The message names the file or cell and says what was expected.
 */
public final class ExperimentException extends RuntimeException {
    public ExperimentException(String message) {
        super(message);
    }

    public ExperimentException(String message, Throwable cause) {
        super(message, cause);
    }
}
