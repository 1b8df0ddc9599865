package org.graft.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeImporter;
import org.graft.caffe.WeightFiles;
import org.graft.io.InputFiles;
import org.graft.layers.Phase;
import org.graft.net.config.NetConfig;
import org.graft.net.config.SolverConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code import NET.prototxt [WEIGHTS.caffemodel] [--solver S.prototxt] -o DIR}: Caffe model → net.json. */
@Command(name = "import", mixinStandardHelpOptions = true, description = {
        "Import a Caffe model (prototxt of any vintage, solver, weights) as DIR/net.json + DIR/weights.caffemodel.",
        "V0, V1 and V2 prototxts load; the weights are written in the current (V2) layout, checked against the net.",
        "Relative paths in the prototxt are resolved from the working directory first (as Caffe does), then",
        "from the prototxt's folder, and written absolute."})
final class ImportCommand implements Callable<Integer> {
    @Parameters(arity = "0..2", paramLabel = "FILE", description = "NET.prototxt, then optionally WEIGHTS.caffemodel."
            + " NET may be left out when --solver names it.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--solver", paramLabel = "S.prototxt", description = "The Caffe solver: becomes the net.json's solver section;"
            + " its train_net/test_net are joined into one net with phases.")
    Path solver;

    @Option(names = "--allow-missing-weights", description = "Import even if WEIGHTS lacks some learned layers (they start from their fillers).")
    boolean allowMissingWeights;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Folder for net.json and weights.caffemodel.")
    Path outDir;

    @Override
    public Integer call() {
        Path net = null;
        Path weights = null;
        Path solverFile = solver;
        if (files.size() == 2) {
            net = files.get(0);
            weights = files.get(1);
        } else if (files.size() == 1) {
            Path f = files.get(0);
            if (solverFile != null && (f.toString().endsWith(".caffemodel") || Files.isRegularFile(f) && CaffeImporter.looksBinary(f))) {
                weights = f;
            } else if (solverFile == null && CaffeImporter.isSolverFile(f)) {
                solverFile = f;
            } else {
                net = f;
            }
        } else if (solverFile == null) {
            throw new IllegalArgumentException("give the net prototxt (and optionally the weights), or --solver naming the net");
        }
        for (Path p : new Path[] {net, weights, solverFile}) {
            if (p != null && InputFiles.problem(p) != null) {
                throw new IllegalArgumentException(p.toAbsolutePath() + " " + InputFiles.problem(p));
            }
        }
        Path target = outDir.resolve("net.json").toAbsolutePath().normalize();
        CaffeImporter.Result r = CaffeImporter.importFiles(net, solverFile, target);
        NetConfig cfg = r.config();
        List<String> warnings = new ArrayList<>(r.warnings());
        WeightFiles.Fitted fitted = weights == null ? null : WeightFiles.fit(cfg, weights);
        if (fitted != null && !fitted.matched().missing().isEmpty() && !allowMissingWeights) {
            throw new IllegalArgumentException(weights + " has no weights for layer(s) " + String.join(", ", fitted.matched().missing())
                    + " of net '" + cfg.name() + "'; nothing was written (pass --allow-missing-weights to import them with their fillers)");
        }
        write(target, r.json());

        System.out.printf(Locale.ROOT, "Imported net '%s' from %s%s: %d layer(s), %d in TRAIN, %d in TEST%n", cfg.name(),
                String.join(" + ", r.sources().stream().map(Path::toString).toList()), solverFile != null ? " with solver " + solverFile : "", cfg.layers().size(),
                cfg.layersFor(Phase.TRAIN).size(), cfg.layersFor(Phase.TEST).size());
        if (cfg.hasSolver()) {
            SolverConfig s = cfg.solver();
            System.out.printf(Locale.ROOT, "Solver: base_lr %g, lr_policy %s, max_iter %d, momentum %g, weight_decay %g, snapshots %s%n",
                    s.baseLr(), s.lrPolicy().jsonName(), s.maxIter(), s.momentum(), s.weightDecay(), s.snapshotPrefix());
        }
        System.out.println("Wrote " + target);
        if (fitted != null) {
            Path w = target.resolveSibling("weights.caffemodel");
            CaffeFiles.writeNet(w, fitted.net());
            warnings.addAll(fitted.warnings());
            System.out.printf(Locale.ROOT, "Wrote %s: %d layer(s), %d floats (%s): %s%n", w, fitted.matched().layers().size(),
                    fitted.floats(), "current format, learned blobs only", String.join(", ",
                            fitted.matched().layers().stream().map(l -> l.layerName()).toList()));
            if (!fitted.matched().unused().isEmpty()) {
                System.out.println("Left out (not layers of this net): " + String.join(", ", fitted.matched().unused()));
            }
            if (!fitted.matched().missing().isEmpty()) {
                warnings.add(weights + " has no weights for " + String.join(", ", fitted.matched().missing())
                        + "; these layers start from their fillers");
            }
        }
        for (String w : warnings) {
            System.err.println("warning: " + w);
        }
        return 0;
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
