package org.graft.data;

/**
 * A data source is unusable: a missing or malformed file, a bad list line, an inconsistent option, or a
 * failure while preparing a batch. Messages name the file (and line) and say what was expected and found.
 */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
