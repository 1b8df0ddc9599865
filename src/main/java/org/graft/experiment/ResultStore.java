package org.graft.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code result.json} of each cell, written atomically (temporary file + rename) when the cell ends, so
 * a killed run leaves either a complete result or none. A cell is finished exactly when its result exists.
 * The file is the {@link CellResult} record plus, for the record, the cell's config ("cell") and net ("net").
 */
public final class ResultStore {
    public static final String RESULT = "result.json";

    private ResultStore() {
    }

    public static boolean exists(Plan plan, String cellId) {
        return Files.isRegularFile(plan.cellDir(cellId).resolve(RESULT));
    }

    public static Optional<CellResult> read(Plan plan, String cellId) {
        Path file = plan.cellDir(cellId).resolve(RESULT);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(ExperimentFiles.read(file, CellResult.class).value());
    }

    /** Writes a result; {@code net} (the cell's net.json as parsed JSON) and {@code cell} are embedded as the cell's config. */
    public static void write(Plan plan, CellResult r, JsonNode cell, JsonNode net) {
        ObjectNode m = ExperimentFiles.MAPPER.valueToTree(r);
        m.set(CellResult.CELL, cell);
        m.set(CellResult.NET, net);
        ExperimentFiles.writeAtomically(plan.cellDir(r.id()).resolve(RESULT), ExperimentFiles.json(m));
    }
}
