package org.graft.experiment;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.graft.engine.Engine;

/**
 * {@code transfer run}: trains every cell of a plan that has no result yet, in dependency order, with one
 * worker thread per device entry (each with its own Engine). A cell is handed out only when every cell it
 * copies from has a result; cells that another process is training (its lock is held) are left to it and
 * looked at again later, so several runs, or Slurm tasks, can share one plan folder. Killing the run loses
 * only the cells in flight: every finished cell's result is already on disk.
 */
public final class GridRunner {
    private static final long POLL_MS = 2000;
    private static final long BUSY_RETRY_MS = 15000;

    private final Plan plan;
    private final PrintStream out;
    private final List<Cell> pending;
    private final Set<String> inFlight = new HashSet<>();
    private final Map<String, Long> busyUntil = new HashMap<>();
    private final int total;
    private int finishedHere;
    private double secondsHere;
    private RuntimeException fault;
    private int workers = 1;
    private final long started = System.nanoTime();

    public GridRunner(Plan plan, PrintStream out) {
        this.plan = plan;
        this.out = out;
        this.pending = new ArrayList<>(plan.cells().stream().filter(c -> !ResultStore.exists(plan, c.id())).toList());
        this.total = plan.cells().size();
    }

    /** Cells without a result when the run started. */
    public int pendingAtStart() {
        return pending.size();
    }

    /**
     * Runs the grid on the given devices: {@code engines.apply(i)} opens the engine of worker i (called in that
     * worker's thread), which the worker closes at the end when {@code closeEngines}. Returns the number of
     * cells this process trained.
     */
    public int run(List<String> workerNames, IntFunction<Engine> engines, boolean closeEngines) {
        int before = pending.size();
        workers = Math.max(1, workerNames.size());
        out.printf(Locale.ROOT, "Grid '%s': %d cells, %d finished before, %d to run on %d worker(s): %s%n", plan.name(), total,
                total - before, before, workerNames.size(), String.join(", ", workerNames));
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workerNames.size(); w++) {
            final int worker = w;
            Thread t = new Thread(() -> work(worker, workerNames.get(worker), engines, closeEngines), "transfer-worker-" + w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExperimentException("interrupted while waiting for the workers");
            }
        }
        if (fault != null) {
            throw fault;
        }
        return finishedHere;
    }

    private void work(int worker, String name, IntFunction<Engine> engines, boolean closeEngines) {
        Engine engine = null;
        try {
            engine = engines.apply(worker);
            out.printf("worker %s: %s%n", name, engine.device().describe());
            for (Cell c = next(); c != null; c = next()) {
                out.printf(Locale.ROOT, "[%s] %s: training (%s, n = %d, %d classes)%n", name, c.id(), c.treatment().jsonName(), c.n(), c.classes().size());
                long t0 = System.nanoTime();
                CellRunner.Outcome o = CellRunner.run(plan, c, engine, out);
                finished(c, o, (System.nanoTime() - t0) / 1e9, name);
            }
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                if (fault == null) {
                    fault = e instanceof RuntimeException re ? re : new ExperimentException("worker " + name + " failed: " + e, e);
                }
                notifyAll();
            }
        } finally {
            if (engine != null && closeEngines) {
                engine.close();
            }
        }
    }

    private synchronized Cell next() {
        while (true) {
            if (fault != null) {
                return null;
            }
            long now = System.currentTimeMillis();
            boolean anyLeft = false;
            for (var it = pending.iterator(); it.hasNext();) {
                Cell c = it.next();
                if (inFlight.contains(c.id())) {
                    anyLeft = true;
                    continue;
                }
                if (ResultStore.exists(plan, c.id())) {
                    it.remove();
                    continue;
                }
                anyLeft = true;
                if (busyUntil.getOrDefault(c.id(), 0L) > now) {
                    continue;
                }
                if (c.depends().stream().allMatch(d -> ResultStore.exists(plan, d))) {
                    inFlight.add(c.id());
                    return c;
                }
            }
            if (!anyLeft) {
                return null;
            }
            try {
                wait(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private synchronized void finished(Cell c, CellRunner.Outcome o, double seconds, String worker) {
        inFlight.remove(c.id());
        if (o == CellRunner.Outcome.BUSY) {
            busyUntil.put(c.id(), System.currentTimeMillis() + BUSY_RETRY_MS);
            out.printf("[%s] %s: being trained by another process; will look again%n", worker, c.id());
        } else if (o == CellRunner.Outcome.FINISHED) {
            pending.remove(c);
            CellResult r = ResultStore.read(plan, c.id()).orElse(null);
            if (r != null && r.status() != CellResult.Status.SKIPPED) {
                finishedHere++;
                secondsHere += seconds;
            }
            long done = plan.cells().stream().filter(x -> ResultStore.exists(plan, x.id())).count();
            String what = r == null ? "?" : r.done() ? String.format(Locale.ROOT, "top-1 %.4f (final), top-5 %.4f", r.finalTop1(), r.finalTop5())
                    : r.status().name().toLowerCase(Locale.ROOT) + ": " + r.reason();
            double perCell = finishedHere > 0 ? secondsHere / finishedHere : Double.NaN;
            double eta = perCell * (total - done) / workers;
            out.printf(Locale.ROOT, "[%s] %s: %s in %s. %d/%d cells finished; elapsed %s, ETA %s%n", worker, c.id(), what, Durations.of(seconds),
                    done, total, Durations.of((System.nanoTime() - started) / 1e9), Durations.of(eta));
        } else if (o == CellRunner.Outcome.ALREADY_FINISHED) {
            pending.remove(c);
        }
        notifyAll();
    }
}
