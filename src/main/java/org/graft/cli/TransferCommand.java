package org.graft.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.graft.engine.Engine;
import org.graft.experiment.Cell;
import org.graft.experiment.CellResult;
import org.graft.experiment.CellRunner;
import org.graft.experiment.Experiment;
import org.graft.experiment.ExperimentException;
import org.graft.experiment.ExperimentLoader;
import org.graft.experiment.Figures;
import org.graft.experiment.GridRunner;
import org.graft.experiment.Metric;
import org.graft.experiment.Plan;
import org.graft.experiment.PlanStore;
import org.graft.experiment.Planner;
import org.graft.experiment.ReportOptions;
import org.graft.experiment.ReportWriter;
import org.graft.experiment.ResultStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code transfer}: the paper's experiment grid (docs/experiment-json.md). {@code transfer EXPERIMENT.json [DIR]}
 * plans, runs and reports in one go; the sub-commands do one step each.
 */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        subcommands = {TransferCommand.PlanCmd.class, TransferCommand.RunCmd.class, TransferCommand.RunCellCmd.class, TransferCommand.ReportCmd.class},
        description = {"Run the transfer experiment of Yosinski et al. 2014 described by an experiment.json (see docs/experiment-json.md).",
            "'transfer EXPERIMENT.json [DIR]' = plan + run + report; DIR defaults to runs/<experiment name>.",
            "A killed run resumes where it stopped when started again: finished cells are never redone."})
final class TransferCommand implements Callable<Integer> {
    static {
        // The report draws its figures off screen; say so before anything can start AWT with a display.
        Figures.headless();
    }

    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPERIMENT.json", description = "The experiment to plan, run and report.")
    Path experiment;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "Output folder (default: runs/<experiment name>).")
    Path dir;

    @Mixin
    PlanOptions planning;

    @Mixin
    RunOptions run;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() {
        if (experiment == null) {
            new CommandLine(this).usage(System.out);
            return 2;
        }
        Plan plan = planning.plan(experiment, dir);
        return run.execute(plan, device);
    }

    static Path defaultDir(Experiment exp) {
        return Path.of("runs", exp.name());
    }

    /** Options of planning, shared by 'transfer' and 'transfer plan'. */
    static final class PlanOptions {
        @Option(names = "--max-iter", paramLabel = "N", description = "Iterations per network, overriding the experiment's schedule.max_iter "
                + "(the knob that sizes the grid; learning-rate steps scale with it).")
        Integer maxIter;

        @Option(names = "--speed", paramLabel = "IMAGES_PER_S", description = "Print how long the grid takes at this many images per second "
                + "(measure it with 'train CELL/net.json --max-iter 20').")
        Double speed;

        @Option(names = "--replan", description = "Discard the results of cells whose network changed since the last plan.")
        boolean replan;

        Plan plan(Path experiment, Path dir) {
            Experiment exp = ExperimentLoader.load(experiment);
            if (maxIter != null) {
                if (maxIter < 1) {
                    throw new ExperimentException("--max-iter must be at least 1, got " + maxIter);
                }
                exp = exp.withMaxIter(maxIter);
            }
            Plan plan = Planner.plan(exp, dir != null ? dir : defaultDir(exp), replan, System.out);
            if (speed != null) {
                double s = Planner.estimateSeconds(exp, speed);
                System.out.printf(java.util.Locale.ROOT, "At %.1f images/s the whole grid takes about %.1f hours on one device (%.1f minutes per cell).%n",
                        speed, s / 3600, s / 60 / plan.cells().size());
            }
            return plan;
        }
    }

    /** Options shared by 'transfer' and 'transfer run'. */
    static final class RunOptions {
        @Option(names = "--devices", split = ",", paramLabel = "I", description = "Device indices (as listed by 'devices'), one worker thread and "
                + "Engine each; repeat an index for several workers on one device. Default: the device chosen by --device/--device-type.")
        List<Integer> devices;

        @Option(names = "--retry-failed", description = "Run failed and skipped cells again (their results are discarded first).")
        boolean retryFailed;

        @Option(names = "--no-report", description = "Do not write the report at the end.")
        boolean noReport;

        int execute(Plan plan, DeviceOptions device) {
            if (retryFailed) {
                retry(plan);
            }
            List<Integer> idx = devices == null || devices.isEmpty() ? List.of(device.device) : devices;
            List<String> names = new ArrayList<>();
            for (int i = 0; i < idx.size(); i++) {
                int d = idx.get(i);
                long same = idx.subList(0, i).stream().filter(x -> x == d).count();
                names.add((d < 0 ? "auto" : "dev" + d) + (same > 0 ? "#" + (same + 1) : ""));
            }
            GridRunner runner = new GridRunner(plan, System.out);
            runner.run(names, w -> device.open(idx.get(w)), true);
            if (!noReport) {
                ReportWriter.write(plan, plan.report(), System.out);
            }
            boolean allFinished = plan.cells().stream().allMatch(c -> ResultStore.exists(plan, c.id()));
            return allFinished ? 0 : 3;
        }

        private static void retry(Plan plan) {
            for (Cell c : plan.cells()) {
                CellResult r = ResultStore.read(plan, c.id()).orElse(null);
                if (r != null && !r.done()) {
                    try {
                        Files.delete(plan.cellDir(c).resolve(ResultStore.RESULT));
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot discard the result of " + c.id() + ": " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, description = {
        "Write every cell of the experiment as a self-contained job into DIR: cells/ID/net.json (runnable with 'train'), cells/ID/cell.json,",
        "plan.json, cells.txt (all cells in run order; a Slurm array index is its line number - 1) and stage-K.txt (cells by dependency depth)."})
    static final class PlanCmd implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "EXPERIMENT.json")
        Path experiment;

        @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "Output folder (default: runs/<experiment name>).")
        Path dir;

        @Mixin
        PlanOptions planning;

        @Override
        public Integer call() {
            planning.plan(experiment, dir);
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = {
        "Train the cells of a plan that have no result yet, base networks first, on one or several devices; then write the report.",
        "Exit code 0 when every cell has a result (done, failed or skipped), 3 when some are left (e.g. running elsewhere)."})
    static final class RunCmd implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR")
        Path dir;

        @Mixin
        RunOptions run;

        @Mixin
        DeviceOptions device;

        @Override
        public Integer call() {
            return run.execute(PlanStore.read(dir), device);
        }
    }

    @Command(name = "run-cell", mixinStandardHelpOptions = true, description = {
        "Train one cell of a plan in this process (for cluster schedulers; see tools/slurm-transfer.sh).",
        "Exit codes: 0 finished now or before, 3 a base cell it copies from has no result yet, 4 another process is training it."})
    static final class RunCellCmd implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR")
        Path dir;

        @Parameters(index = "1", paramLabel = "CELL", description = "Cell id (a line of DIR/cells.txt) or its 0-based index in cells.txt.")
        String cell;

        @Mixin
        DeviceOptions device;

        @Override
        public Integer call() {
            Plan plan = PlanStore.read(dir);
            Cell c = resolve(plan, cell);
            try (Engine engine = device.open()) {
                CellRunner.Outcome o = CellRunner.run(plan, c, engine, System.out);
                switch (o) {
                    case WAITING -> {
                        System.err.println("cell " + c.id() + " waits for " + String.join(", ", c.depends()) + ", which has no result yet");
                        return 3;
                    }
                    case BUSY -> {
                        System.err.println("cell " + c.id() + " is being trained by another process");
                        return 4;
                    }
                    default -> {
                        CellResult r = ResultStore.read(plan, c.id()).orElseThrow();
                        System.out.println("cell " + c.id() + ": " + r.status().name().toLowerCase()
                                + (r.done() ? String.format(java.util.Locale.ROOT, ", top-1 %.4f, top-5 %.4f", r.finalTop1(), r.finalTop5()) : ": " + r.reason())
                                + (o == CellRunner.Outcome.ALREADY_FINISHED ? " (finished before)" : ""));
                        return 0;
                    }
                }
            }
        }

        static Cell resolve(Plan plan, String cell) {
            if (cell.matches("\\d+")) {
                // A digit string too long for an int is out of range like any other large index.
                int i = cell.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(cell);
                if (i >= plan.cells().size()) {
                    throw new ExperimentException("cell index " + cell + " is outside 0.." + (plan.cells().size() - 1) + " (" + plan.cells().size() + " cells in " + plan.dir() + ")");
                }
                return plan.cells().get(i);
            }
            return plan.cell(cell).orElseThrow(() -> new ExperimentException("the plan in " + plan.dir() + " has no cell '" + cell + "' (see cells.txt)"));
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = {
        "Write results.csv, figure2.png, figure3.png and report.md (Table 1, findings) from the results in DIR."})
    static final class ReportCmd implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR")
        Path dir;

        @Option(names = "--metric", paramLabel = "M", description = "final, best or mean_best (default: the experiment's).")
        String metric;

        @Option(names = "--k", paramLabel = "K", description = "k for mean_best (default: the experiment's, else 10).")
        Integer k;

        @Option(names = "--paper", description = "Put the paper's own numbers beside the run's.")
        boolean paper;

        @Override
        public Integer call() {
            Plan plan = PlanStore.read(dir);
            ReportOptions o = plan.report();
            if (metric != null || k != null) {
                Metric.Kind kind = metric != null ? Metric.Kind.byName(metric) : o.metric().kind();
                o = o.withMetric(new Metric(kind, k != null ? k : o.metric().k()));
            }
            if (paper) {
                o = o.withPaperNumbers(true);
            }
            ReportWriter.write(plan, o, System.out);
            return 0;
        }
    }
}
