package org.graft.caffe;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.graft.caffe.proto.Caffe.SolverParameter;
import org.graft.net.config.SolverConfig;

/**
 * Maps a Caffe {@code SolverParameter} (already upgraded: solver_type → type) to a {@link SolverConfig}.
 * The net references (net, train_net, test_net) are the importer's business; the device fields
 * (solver_mode, device_id) are the command line's. What Graft cannot run stops the import; what it does not
 * need is reported and dropped.
 */
final class SolverImport {
    private SolverImport() {
    }

    static SolverConfig convert(SolverParameter s, Path file, CaffePaths paths, Consumer<String> warnings) {
        if (!s.hasLrPolicy()) {
            throw new CaffeFormatException(file + ": the solver has no lr_policy (Caffe needs one: fixed, step, multistep,"
                    + " exp, inv, poly or sigmoid)");
        }
        SolverConfig.LrPolicy policy = null;
        for (SolverConfig.LrPolicy p : SolverConfig.LrPolicy.values()) {
            if (p.jsonName().equals(s.getLrPolicy())) {
                policy = p;
            }
        }
        if (policy == null) {
            throw new CaffeFormatException(file + ": lr_policy \"" + s.getLrPolicy() + "\" is unknown; Graft implements"
                    + " fixed, step, multistep, exp, inv, poly and sigmoid");
        }
        if (!"SGD".equals(s.getType())) {
            throw new CaffeFormatException(file + ": solver type \"" + s.getType() + "\": Graft implements only SGD"
                    + " (with momentum)");
        }
        if (!"L2".equals(s.getRegularizationType())) {
            throw new CaffeFormatException(file + ": regularization_type \"" + s.getRegularizationType()
                    + "\": Graft implements only L2 weight decay");
        }
        if (s.getIterSize() != 1) {
            throw new CaffeFormatException(file + ": iter_size " + s.getIterSize() + ": Graft supports only iter_size 1"
                    + " (no gradient accumulation); raise the batch size instead");
        }
        if (s.getTestIterCount() > 1) {
            warnings.accept(file + ": " + s.getTestIterCount() + " test_iter values (one per test net); Graft has one"
                    + " TEST phase and uses the first, " + s.getTestIter(0));
        }
        if (s.hasSnapshotFormat() && s.getSnapshotFormat() != SolverParameter.SnapshotFormat.BINARYPROTO) {
            warnings.accept(file + ": snapshot_format HDF5 is not supported; snapshots are written as .caffemodel/.solverstate");
        }
        if (s.getSnapshotDiff()) {
            warnings.accept(file + ": snapshot_diff is ignored (snapshots hold the weights only)");
        }
        if (s.hasClipGradients() && s.getClipGradients() >= 0) {
            warnings.accept(file + ": clip_gradients " + s.getClipGradients() + " is kept, but Graft's trainer may refuse it");
        }
        Path prefix = s.hasSnapshotPrefix() && !s.getSnapshotPrefix().isEmpty()
                ? paths.resolveOutput(s.getSnapshotPrefix())
                : defaultPrefix(file);
        List<Integer> stepvalue = s.getStepvalueList();
        return new SolverConfig(s.getBaseLr(), policy, s.getGamma(), s.getPower(), s.getStepsize(), stepvalue,
                s.getMaxIter(), s.getMomentum(), s.getWeightDecay(), s.getDisplay(), s.getAverageLoss(),
                s.getTestIterCount() > 0 ? s.getTestIter(0) : 0, s.getTestInterval(), s.getTestInitialization(),
                s.getSnapshot(), prefix, s.getSnapshotAfterTrain(), s.getRandomSeed(), s.getClipGradients(), 1, "SGD",
                List.of());
    }

    /** Caffe's default snapshot prefix: the solver file's name without its extension, next to it. */
    private static Path defaultPrefix(Path solverFile) {
        String name = solverFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return solverFile.toAbsolutePath().normalize().resolveSibling(dot > 0 ? name.substring(0, dot) : name);
    }
}
