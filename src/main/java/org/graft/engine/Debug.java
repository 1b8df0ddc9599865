package org.graft.engine;

import java.util.function.Supplier;

/**
 * Debug messages on standard error, shown only when {@code GRAFT_DEBUG} is set: things a user does not
 * need to see but a bug report does (a tuning candidate skipped, a cache file ignored).
 */
public final class Debug {
    private static final boolean ENABLED = System.getenv("GRAFT_DEBUG") != null || Boolean.getBoolean("graft.debug");

    private Debug() {
    }

    public static boolean enabled() {
        return ENABLED;
    }

    public static void log(Supplier<String> message) {
        if (ENABLED) {
            System.err.println("[debug] " + message.get());
        }
    }
}
