package org.graft.selftest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.graft.engine.DeviceThreads;
import org.graft.engine.Engine;

/**
 * {@code selftest --devices 0,1}: the same checks on several devices at once, one thread per device
 * and engine (an engine is not shared between threads). Reports come back in the order of the engines.
 */
public final class MultiDeviceSelfTest {
    private MultiDeviceSelfTest() {
    }

    public static List<SelfTest.Report> run(List<Engine> engines, List<SelfTestCase> cases, Effort effort, long seed) {
        // Large-stack threads: CPU drivers may run kernels on the waiting thread (see DeviceThreads).
        ExecutorService pool = Executors.newFixedThreadPool(engines.size(), DeviceThreads.factory("selftest-device"));
        try {
            List<Future<SelfTest.Report>> futures = new ArrayList<>();
            for (Engine e : engines) {
                futures.add(pool.submit(() -> SelfTest.run(e, cases, effort, seed, null)));
            }
            List<SelfTest.Report> reports = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    reports.add(futures.get(i).get());
                } catch (ExecutionException ex) {
                    Throwable cause = ex.getCause();
                    throw new IllegalStateException("selftest on " + engines.get(i).device().describe() + " stopped: " + cause, cause);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("selftest was interrupted", ex);
                }
            }
            return reports;
        } finally {
            pool.shutdownNow();
        }
    }
}
