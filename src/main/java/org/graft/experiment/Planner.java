package org.graft.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.graft.layers.Phase;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.NetConfigWriter;
import org.graft.net.config.SolverConfig;

/**
 * {@code transfer plan}: turns an experiment into a folder of self-contained jobs.
 * <pre>
 * DIR/experiment.json       the experiment as given
 * DIR/plan.json             everything run and report need (splits, cells, dependencies, options)
 * DIR/cells.txt             every cell id in run order (a Slurm array index is a line number - 1)
 * DIR/stage-K.txt           the cells of dependency depth K (0: needs nothing; 1: copies from a stage-0 cell)
 * DIR/cells/ID/net.json     the cell's network, solver and seed: runnable by hand with {@code train}
 * DIR/cells/ID/cell.json    what the cell is: treatment, split, n, classes, seed, dependencies
 * DIR/means/*.binaryproto   with "mean": "per_half", each training half's mean image
 * </pre>
 * Planning again into the same folder keeps the cells whose net.json is unchanged (and their results).
 */
public final class Planner {
    private Planner() {
    }

    /** The cells of an experiment in run order (stage 0 first). */
    public static List<Cell> cells(Experiment exp) {
        List<Cell> stage0 = new ArrayList<>();
        List<Cell> stage1 = new ArrayList<>();
        for (Split s : exp.splits()) {
            for (Treatment t : s.treatments()) {
                if (!t.takesN()) {
                    String id = Cell.id(s.name(), t, 0, null);
                    stage0.add(new Cell(id, s.name(), t, 0, null, t.target(), s.classes(t.target()), Cell.seed(exp.seed(), id), List.of(), 0));
                }
            }
            for (Treatment t : s.treatments()) {
                if (t.takesN()) {
                    String base = Cell.id(s.name(), Treatment.baseOf(t.source()), 0, null);
                    for (int n : exp.n()) {
                        String id = Cell.id(s.name(), t, n, null);
                        stage1.add(new Cell(id, s.name(), t, n, t.source(), t.target(), s.classes(t.target()), Cell.seed(exp.seed(), id),
                                List.of(base), 1));
                    }
                }
            }
        }
        if (exp.baseAll()) {
            String id = Cell.id("all", Treatment.BASE_ALL, 0, null);
            stage0.add(new Cell(id, "all", Treatment.BASE_ALL, 0, null, Half.ALL, ClassSets.all(exp.numClasses()),
                    Cell.seed(exp.seed(), id), List.of(), 0));
        }
        RandomWeights rw = exp.randomWeights();
        if (rw != null) {
            String splitName = rw.target() == Half.ALL ? "all" : rw.split();
            List<Integer> classes = rw.target() == Half.ALL ? ClassSets.all(exp.numClasses())
                    : exp.split(rw.split()).orElseThrow().classes(rw.target());
            for (int n : exp.n()) {
                String id = Cell.id(splitName, Treatment.RANDOM, n, rw.target());
                stage0.add(new Cell(id, splitName, Treatment.RANDOM, n, null, rw.target(), classes, Cell.seed(exp.seed(), id), List.of(), 0));
            }
        }
        List<Cell> all = new ArrayList<>(stage0);
        all.addAll(stage1);
        return all;
    }

    /** Writes the plan into {@code dir}; with {@code replan}, cells whose net changed lose their old results. */
    public static Plan plan(Experiment exp, Path dir, boolean replan, PrintStream out) {
        Path root = dir.toAbsolutePath().normalize();
        SolverConfig solver = exp.schedule().apply(exp.baseNet().requireSolver());
        List<Cell> cells = cells(exp);
        List<String> changed = new ArrayList<>();
        Map<String, Path> means = exp.meanPerHalf() ? HalfMeans.compute(exp, cells, root, out) : Map.of();
        try {
            Map<Cell, String> nets = new LinkedHashMap<>();
            for (Cell c : cells) {
                nets.put(c, NetConfigWriter.toJson(CellNets.build(exp, c, solver, means.get(HalfMeans.key(c)))));
                Path cellDir = root.resolve("cells").resolve(c.id());
                Path netFile = cellDir.resolve("net.json");
                if (Files.exists(netFile) && !Files.readString(netFile).equals(nets.get(c)) && Files.exists(cellDir.resolve(ResultStore.RESULT))) {
                    changed.add(c.id());
                }
            }
            if (!changed.isEmpty() && !replan) {
                throw new ExperimentException("the plan in " + root + " has results for " + changed.size() + " cell(s) whose network is now different ("
                        + String.join(", ", changed.subList(0, Math.min(5, changed.size()))) + (changed.size() > 5 ? ", ..." : "")
                        + "); plan into a new folder, or pass --replan to discard those results");
            }
            for (Cell c : cells) {
                Path cellDir = root.resolve("cells").resolve(c.id());
                Path netFile = cellDir.resolve("net.json");
                String json = nets.get(c);
                if (Files.exists(netFile) && !Files.readString(netFile).equals(json)) {
                    clear(cellDir);
                }
                Files.createDirectories(cellDir);
                ExperimentFiles.writeAtomically(netFile, json);
                ExperimentFiles.writeAtomically(cellDir.resolve("cell.json"), ExperimentFiles.json(cellJson(exp, c, solver)));
                // The cell's own file must load: it is what run-cell and a user's "train" read.
                NetConfigLoader.load(netFile);
            }
            Path expCopy = root.resolve("experiment.json");
            if (!exp.file().equals(expCopy)) {
                ExperimentFiles.writeAtomically(expCopy, Files.readString(exp.file()));
            }
            Plan plan = new Plan(root, exp.name(), exp.depth(), exp.learnable(), exp.n(), exp.numClasses(), exp.splits(),
                    exp.randomWeights(), exp.report(), solver.maxIter(), cells,
                    exp.chopPointsNamed() ? exp.chopPoints().stream().map(ChopPoint::name).toList() : null);
            PlanStore.write(plan);
            StringBuilder list = new StringBuilder();
            cells.forEach(c -> list.append(c.id()).append('\n'));
            ExperimentFiles.writeAtomically(root.resolve("cells.txt"), list.toString());
            for (int stage = 0; stage <= 1; stage++) {
                StringBuilder sb = new StringBuilder();
                for (Cell c : cells) {
                    if (c.stage() == stage) {
                        sb.append(c.id()).append('\n');
                    }
                }
                ExperimentFiles.writeAtomically(root.resolve("stage-" + stage + ".txt"), sb.toString());
            }
            if (out != null) {
                summary(exp, solver, plan, changed, out);
            }
            return plan;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plan into " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Seconds the whole grid needs at {@code imagesPerSecond} (training and test images alike; a frozen prefix
     * makes the transfer cells somewhat cheaper, so this errs on the long side), on one device.
     */
    public static double estimateSeconds(Experiment exp, double imagesPerSecond) {
        SolverConfig solver = exp.schedule().apply(exp.baseNet().requireSolver());
        long cells = cells(exp).size();
        long tests = solver.testInterval() > 0 ? solver.maxIter() / solver.testInterval() + (solver.testInitialization() ? 1 : 0) : 0;
        double images = (double) solver.maxIter() * batch(exp.baseNet(), Phase.TRAIN) + (double) tests * solver.testIter() * batch(exp.baseNet(), Phase.TEST);
        return cells * images / imagesPerSecond;
    }

    private static void clear(Path cellDir) throws IOException {
        if (!Files.isDirectory(cellDir)) {
            return;
        }
        try (Stream<Path> files = Files.list(cellDir)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.delete(f);
                }
            }
        }
    }

    private static Map<String, Object> cellJson(Experiment exp, Cell c, SolverConfig solver) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("experiment", exp.name());
        m.put("split", c.split());
        exp.split(c.split()).ifPresent(s -> m.put("split_kind", s.kind().name().toLowerCase(Locale.ROOT)));
        m.put("treatment", c.treatment().jsonName());
        m.put("group", c.treatment().group().label());
        m.put("n", c.n());
        m.put("source", c.source() == null ? null : c.source().name());
        m.put("target", c.target().name());
        m.put("classes", c.classes());
        m.put("seed", c.seed());
        m.put("depends", c.depends());
        m.put("stage", c.stage());
        m.put("max_iter", solver.maxIter());
        m.put("layers", CellNets.describe(exp, c));
        return m;
    }

    private static void summary(Experiment exp, SolverConfig solver, Plan plan, List<String> changed, PrintStream out) {
        long stage0 = plan.cells().stream().filter(c -> c.stage() == 0).count();
        int trainBatch = batch(exp.baseNet(), Phase.TRAIN);
        int testBatch = batch(exp.baseNet(), Phase.TEST);
        long cells = plan.cells().size();
        long iters = cells * solver.maxIter();
        long tests = solver.testInterval() > 0 ? solver.maxIter() / solver.testInterval() + (solver.testInitialization() ? 1 : 0) : 0;
        out.printf(Locale.ROOT, "Planned '%s' in %s: %d cells (%d in stage 0, %d copy from them), L = %d %s, n = %s%n", exp.name(),
                plan.dir(), cells, stage0, cells - stage0, exp.depth(), exp.chopPointsNamed() ? "(chop points " + String.join(", ",
                        exp.chopPoints().stream().map(ChopPoint::name).toList()) + ", then the rest)" : "layers", exp.n());
        out.printf(Locale.ROOT, "Each cell: %d iterations of batch %d, %d test passes of %d×%d images. Whole grid: %d training iterations (%,d images).%n",
                solver.maxIter(), trainBatch, tests, solver.testIter(), testBatch, iters, iters * trainBatch);
        if (!changed.isEmpty()) {
            out.printf("Re-planned %d changed cell(s); their old results were discarded.%n", changed.size());
        }
    }

    static int batch(NetConfig net, Phase phase) {
        for (LayerConfig l : net.layersFor(phase)) {
            if (l.type() == LayerType.DATA) {
                return l.dataParam().batchSize();
            }
            if (l.type() == LayerType.IMAGE_DATA) {
                return l.imageDataParam().batchSize();
            }
        }
        return 0;
    }
}
