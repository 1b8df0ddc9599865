package org.graft.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.graft.caffe.CaffeImporter;
import org.graft.io.InputFiles;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;

/**
 * Loads the model a command was given: a net.json, or a Caffe prototxt (any vintage) imported on the fly,
 * optionally with its Caffe solver; a solver prototxt alone brings the net it names. Missing files get a
 * clear message; import warnings go to standard error.
 */
final class Models {
    private Models() {
    }

    static NetConfig load(Path file) {
        return load(file, null);
    }

    /** @param solver a Caffe solver prototxt for a Caffe net, or null */
    static NetConfig load(Path file, Path solver) {
        String problem = InputFiles.problem(file);
        if (problem != null) {
            throw new IllegalArgumentException("model file " + file.toAbsolutePath() + " " + problem);
        }
        String solverProblem = solver == null ? null : InputFiles.problem(solver);
        if (solverProblem != null) {
            throw new IllegalArgumentException("solver file " + solver.toAbsolutePath() + " " + solverProblem);
        }
        if (!isCaffeText(file)) {
            if (solver != null) {
                throw new IllegalArgumentException("--solver goes with a Caffe .prototxt net; the net.json " + file
                        + " has its own \"solver\" section");
            }
            return NetConfigLoader.load(file.toAbsolutePath());
        }
        boolean isSolver = solver == null && CaffeImporter.isSolverFile(file);
        CaffeImporter.Result r = CaffeImporter.importFiles(isSolver ? null : file, isSolver ? file : solver, file.toAbsolutePath());
        for (String w : r.warnings()) {
            System.err.println("warning: " + w);
        }
        return r.config();
    }

    /** A Caffe text file by its extension, else by its first character (a net.json starts with '{'). */
    static boolean isCaffeText(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".prototxt") || name.endsWith(".pbtxt") || name.endsWith(".pt")) {
            return true;
        }
        if (name.endsWith(".json")) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            int c;
            while ((c = in.read()) >= 0) {
                if (c == 0xEF || c == 0xBB || c == 0xBF || Character.isWhitespace(c)) {
                    continue;  // byte-order mark, blank space
                }
                return c != '{';
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
