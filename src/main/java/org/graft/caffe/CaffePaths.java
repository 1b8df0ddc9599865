package org.graft.caffe;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Resolves the relative paths inside a Caffe prototxt or solver the way their author meant them
 * (caffe-format.md B3): Caffe opens them relative to the working directory of the {@code caffe} process,
 * so that comes first; a path found only next to the prototxt is taken from there (a file moved along
 * with its data). The result is always absolute, so the net.json written from it runs from anywhere.
 * A path found in neither place is reported and resolved as Caffe would (working directory).
 */
final class CaffePaths {
    private final Path workingDir;
    private final Path fileDir;
    private final String file;
    private final Consumer<String> warnings;

    /**
     * @param workingDir where {@code caffe} would have run (normally the current directory)
     * @param file       the prototxt or solver the paths were read from
     */
    CaffePaths(Path workingDir, Path file, Consumer<String> warnings) {
        this.workingDir = workingDir.toAbsolutePath().normalize();
        this.fileDir = file.toAbsolutePath().normalize().getParent();
        this.file = file.toString();
        this.warnings = warnings;
    }

    /** {@code what} names the field for the warning, e.g. "layer 'mnist' data_param.source". */
    Path resolve(String path, String what) {
        Path p;
        try {
            p = Path.of(path);
        } catch (InvalidPathException e) {
            throw new CaffeFormatException(file + ": " + what + " \"" + path + "\" is not a valid path: " + e.getMessage());
        }
        if (p.isAbsolute()) {
            if (!Files.exists(p)) {
                warnings.accept(file + ": " + what + " \"" + path + "\" does not exist");
            }
            return p.normalize();
        }
        Path inWorkingDir = workingDir.resolve(p).normalize();
        if (Files.exists(inWorkingDir)) {
            return inWorkingDir;
        }
        Path nextToFile = fileDir.resolve(p).normalize();
        if (Files.exists(nextToFile)) {
            return nextToFile;
        }
        warnings.accept(file + ": " + what + " \"" + path + "\" exists neither in the working directory (" + workingDir
                + ") nor next to the file (" + fileDir + "); using " + inWorkingDir + " as Caffe would");
        return inWorkingDir;
    }

    /** An output path (snapshot prefix): relative to the working directory unless only the file's folder has its parent. */
    Path resolveOutput(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute()) {
            return p.normalize();
        }
        Path inWorkingDir = workingDir.resolve(p).normalize();
        Path nextToFile = fileDir.resolve(p).normalize();
        if (!Files.isDirectory(inWorkingDir.getParent()) && Files.isDirectory(nextToFile.getParent())) {
            return nextToFile;
        }
        return inWorkingDir;
    }

    /**
     * The folder that plays Caffe's working directory for a path found through {@code rawSibling} (e.g.
     * ImageData's root_folder "" for the list in {@code source}): the prototxt's folder when the sibling was
     * found only there, else the working directory.
     */
    Path baseFor(String rawSibling) {
        Path p = Path.of(rawSibling);
        if (!p.isAbsolute() && !Files.exists(workingDir.resolve(p)) && Files.exists(fileDir.resolve(p))) {
            return fileDir;
        }
        return workingDir;
    }

    Path workingDir() {
        return workingDir;
    }

    Path fileDir() {
        return fileDir;
    }
}
