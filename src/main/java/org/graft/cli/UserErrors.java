package org.graft.cli;

/** Turns an exception into the message a user should read: the most specific cause's own words. */
final class UserErrors {
    private UserErrors() {
    }

    static String describe(Throwable e) {
        Throwable t = e;
        // Unwrap reflective / execution wrappers that add nothing for the user.
        while ((t instanceof java.lang.reflect.InvocationTargetException || t instanceof java.util.concurrent.ExecutionException
                || t.getClass() == RuntimeException.class && t.getCause() != null) && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        if (t instanceof OutOfMemoryError) {
            return "the Java heap is too small (" + msg + "); run java with a larger -Xmx";
        }
        if (msg == null || msg.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return msg;
    }
}
