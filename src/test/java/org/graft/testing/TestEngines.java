package org.graft.testing;

import org.graft.engine.Engine;

/**
 * One engine per test JVM, on the backend named by the system property {@code graft.backend}
 * (jocl or lwjgl; Maven passes it) and the device chosen by {@code graft.device} (default: first CPU,
 * else any). Sharing it means each kernel file is compiled once for the whole suite.
 */
public final class TestEngines {
    private static Engine shared;

    private TestEngines() {
    }

    public static synchronized Engine get() {
        if (shared == null) {
            String backend = System.getProperty("graft.backend", "jocl");
            int device = Integer.parseInt(System.getProperty("graft.device", "-1"));
            String type = System.getProperty("graft.deviceType", "any");
            shared = Engine.open(backend, device, type, false);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> shared.close()));
        }
        return shared;
    }
}
