package org.graft.net.config;

import java.nio.file.Path;

/**
 * A net.json that cannot be used: malformed JSON, a field of the wrong type, a missing or out-of-range
 * value, or a network whose layers do not fit together. The message reads like a compiler's:
 * {@code file:line:column: json.path: what was expected and what was found}, so an editor can jump to it.
 * Line and column are 1-based; 0 means "not known" (e.g. the file could not be read).
 */
public final class ConfigException extends RuntimeException {
    private final Path file;
    private final int line;
    private final int column;
    private final String jsonPath;
    private final String problem;

    public ConfigException(Path file, int line, int column, String jsonPath, String problem) {
        super(format(file, line, column, jsonPath, problem));
        this.file = file;
        this.line = line;
        this.column = column;
        this.jsonPath = jsonPath;
        this.problem = problem;
    }

    /** The file the error is in (may be a placeholder name for JSON given as a string). */
    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** Where in the document, e.g. {@code layers[3].convolution_param.num_output}; "" for the whole file. */
    public String jsonPath() {
        return jsonPath;
    }

    /** The message without the location prefix. */
    public String problem() {
        return problem;
    }

    private static String format(Path file, int line, int column, String jsonPath, String problem) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<net.json>" : file.toString());
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        }
        sb.append(": ");
        if (jsonPath != null && !jsonPath.isEmpty()) {
            sb.append(jsonPath).append(": ");
        }
        return sb.append(problem).toString();
    }
}
