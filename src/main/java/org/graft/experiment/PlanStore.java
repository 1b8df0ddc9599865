package org.graft.experiment;

import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes {@code DIR/plan.json}: the {@link Plan} record bound by {@link ExperimentFiles}. */
public final class PlanStore {
    public static final String PLAN = "plan.json";

    private PlanStore() {
    }

    static void write(Plan p) {
        ExperimentFiles.writeAtomically(p.dir().resolve(PLAN), ExperimentFiles.json(p));
    }

    /** Reads the plan of a folder written by {@code transfer plan}. */
    public static Plan read(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        Path file = root.resolve(PLAN);
        if (!Files.isRegularFile(file)) {
            throw new ExperimentException(root + " holds no plan (" + PLAN + "); run 'transfer plan EXPERIMENT.json " + dir + "' first");
        }
        return ExperimentFiles.read(file, Plan.class).value().in(root);
    }
}
