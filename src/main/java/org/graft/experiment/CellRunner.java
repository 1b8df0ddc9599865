package org.graft.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.graft.engine.Engine;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.solver.DivergedException;
import org.graft.solver.Trainer;

/**
 * Trains one cell on one engine and records its result. The trainer's output goes to the cell's
 * {@code train.log}; every attempt appends a line to {@code attempts.log} (so one can see that a finished
 * cell was never trained twice). A cell interrupted after writing snapshots (schedule.snapshot &gt; 0)
 * resumes from its latest solver state.
 */
public final class CellRunner {
    /** What happened when a cell was offered to a runner. */
    public enum Outcome {
        /** It trained (done or failed) or was marked skipped; the result is written. */
        FINISHED,
        /** It already had a result; nothing was done. */
        ALREADY_FINISHED,
        /** Another process or thread is training it. */
        BUSY,
        /** A cell it copies from has no result yet. */
        WAITING
    }

    private static final Pattern STATE = Pattern.compile(Pattern.quote(CellNets.SNAPSHOT_PREFIX) + "_iter_(\\d+)\\.solverstate");

    private CellRunner() {
    }

    /**
     * Runs {@code cell} unless it is finished, busy elsewhere or waiting for its base. A base that failed or
     * was skipped makes this cell SKIPPED with the reason.
     */
    public static Outcome run(Plan plan, Cell cell, Engine engine, PrintStream progress) {
        if (ResultStore.read(plan, cell.id()).isPresent()) {
            return Outcome.ALREADY_FINISHED;
        }
        for (String dep : cell.depends()) {
            Optional<CellResult> d = ResultStore.read(plan, dep);
            if (d.isEmpty()) {
                return Outcome.WAITING;
            }
            if (!d.get().done()) {
                try (CellLock lock = CellLock.tryAcquire(plan.cellDir(cell))) {
                    if (lock == null) {
                        return Outcome.BUSY;
                    }
                    String reason = "base cell " + dep + " " + d.get().status().name().toLowerCase() + ": " + d.get().reason();
                    ResultStore.write(plan, CellResult.notRun(cell.id(), CellResult.Status.SKIPPED, reason, cell.seed()), cellJson(plan, cell), null);
                    progress.printf("%s: skipped (%s)%n", cell.id(), reason);
                    return Outcome.FINISHED;
                }
            }
        }
        try (CellLock lock = CellLock.tryAcquire(plan.cellDir(cell))) {
            if (lock == null) {
                return Outcome.BUSY;
            }
            if (ResultStore.read(plan, cell.id()).isPresent()) {
                return Outcome.ALREADY_FINISHED;
            }
            train(plan, cell, engine);
            return Outcome.FINISHED;
        }
    }

    private static void train(Plan plan, Cell cell, Engine engine) {
        Path dir = plan.cellDir(cell);
        Path netFile = dir.resolve("net.json");
        String device = engine.device().describe();
        String backend = engine.cl().backendName();
        Instant started = Instant.now();
        appendLine(dir.resolve("attempts.log"), started + " start on " + host() + " pid " + ProcessHandle.current().pid() + ", device " + device);
        long t0 = System.nanoTime();
        CellResult result;
        try (PrintStream log = new PrintStream(new FileOutputStream(dir.resolve("train.log").toFile(), true), true, StandardCharsets.UTF_8)) {
            try {
                NetConfig net = NetConfigLoader.load(netFile);
                if (net.init() != null && !Files.isRegularFile(net.init().weights())) {
                    throw new ExperimentException("the base network's weights " + net.init().weights() + " do not exist");
                }
                Path resume = latestState(dir);
                if (resume == null) {
                    deleteLog(dir);
                }
                Trainer.Result r = new Trainer(engine, net, new Trainer.Options(null, resume, null, null, false), log).run();
                List<CellResult.CurvePoint> curve = curve(dir, r);
                result = new CellResult(cell.id(), CellResult.Status.DONE, null, r.finalTop1(), r.finalTop5(), r.finalTestLoss(), curve,
                        r.iterations(), r.seed(), device, backend, (System.nanoTime() - t0) / 1e9, started.toString(), Instant.now().toString(),
                        r.lastModel() == null ? null : dir.relativize(r.lastModel().toAbsolutePath()).toString());
            } catch (DivergedException e) {
                log.println("FAILED: " + e.getMessage());
                result = failed(cell, "diverged: " + e.getMessage(), device, backend, t0, started);
            } catch (RuntimeException e) {
                if (isEnvironmentFault(e)) {
                    throw e;
                }
                log.println("FAILED: " + e);
                e.printStackTrace(log);
                result = failed(cell, e.getClass().getSimpleName() + ": " + e.getMessage(), device, backend, t0, started);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log of cell " + cell.id() + ": " + e.getMessage(), e);
        }
        ResultStore.write(plan, result, cellJson(plan, cell), ExperimentFiles.tree(netFile));
    }

    /**
     * Faults of the machine rather than of the cell (out of memory, no device): recording them as the cell's
     * failure would make a rerun skip it, so they stop the run instead.
     */
    private static boolean isEnvironmentFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    private static CellResult failed(Cell cell, String reason, String device, String backend, long t0, Instant started) {
        return new CellResult(cell.id(), CellResult.Status.FAILED, reason, Double.NaN, Double.NaN, Double.NaN, List.of(), 0, cell.seed(),
                device, backend, (System.nanoTime() - t0) / 1e9, started.toString(), Instant.now().toString(), null);
    }

    private static JsonNode cellJson(Plan plan, Cell cell) {
        Path f = plan.cellDir(cell).resolve("cell.json");
        return Files.isRegularFile(f) ? ExperimentFiles.tree(f) : null;
    }

    /** The newest solver state an earlier, interrupted attempt left in the cell's folder, or null. */
    static Path latestState(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            Path best = null;
            int bestIter = -1;
            for (Path f : files.toList()) {
                Matcher m = STATE.matcher(f.getFileName().toString());
                if (m.matches() && Integer.parseInt(m.group(1)) > bestIter) {
                    bestIter = Integer.parseInt(m.group(1));
                    best = f;
                }
            }
            return best;
        } catch (IOException e) {
            return null;
        }
    }

    private static void deleteLog(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(CellNets.SNAPSHOT_PREFIX + "_log.csv"));
        } catch (IOException e) {
            // a stale log only adds rows that the curve reader de-duplicates
        }
    }

    /**
     * The learning curve: every test row of the trainer's CSV log (which survives a resumed attempt), the last
     * row winning where an iteration was tested twice; the trainer's own list if the log is missing.
     */
    static List<CellResult.CurvePoint> curve(Path dir, Trainer.Result r) {
        Path csv = dir.resolve(CellNets.SNAPSHOT_PREFIX + "_log.csv");
        Map<Integer, CellResult.CurvePoint> byIter = new TreeMap<>();
        if (Files.isRegularFile(csv)) {
            try {
                for (String line : Files.readAllLines(csv)) {
                    String[] f = line.split(",", -1);
                    if (f.length >= 7 && f[0].equals("test")) {
                        int iter = Integer.parseInt(f[1]);
                        byIter.put(iter, new CellResult.CurvePoint(iter, d(f[5]), d(f[6]), d(f[2])));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                byIter.clear();
            }
        }
        for (Trainer.TestPoint t : r.tests()) {
            byIter.put(t.iter(), new CellResult.CurvePoint(t.iter(), t.top1(), t.top5(), t.loss()));
        }
        return new ArrayList<>(byIter.values());
    }

    private static double d(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    private static void appendLine(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }
}
