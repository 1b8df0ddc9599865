package org.graft.opencl;

/** An OpenCL call failed; the message names the call, the error code and what Graft was doing. */
public class ClException extends RuntimeException {
    private final int code;

    public ClException(String message, int code) {
        super(message + (code != 0 ? " [" + ClErrors.name(code) + " (" + code + ")]" : ""));
        this.code = code;
    }

    public ClException(String message) {
        this(message, 0);
    }

    public int code() {
        return code;
    }

    /** True for the codes a driver returns when memory or other resources run out. */
    public boolean isOutOfResources() {
        return code == -4 || code == -5 || code == -6;
    }
}
