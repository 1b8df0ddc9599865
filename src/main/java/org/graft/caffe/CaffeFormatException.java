package org.graft.caffe;

/**
 * A Caffe file (net, weights, solver, solver state, mean file) cannot be used: missing, truncated,
 * corrupt, a text syntax error, or a net that cannot be upgraded. Messages name the file (and for text,
 * line and column) and say what was expected and what was found.
 */
public class CaffeFormatException extends RuntimeException {
    public CaffeFormatException(String message) {
        super(message);
    }

    public CaffeFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
