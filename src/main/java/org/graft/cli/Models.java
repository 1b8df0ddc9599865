package org.graft.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;

/** Loads the model a command was given (a net.json), with a clear message when the file is missing. */
final class Models {
    private Models() {
    }

    static NetConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("model file " + file.toAbsolutePath() + " does not exist");
        }
        return NetConfigLoader.load(file.toAbsolutePath());
    }
}
