package org.graft.caffe;

import com.google.protobuf.Descriptors.FieldDescriptor;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.graft.caffe.proto.Caffe;
import org.graft.caffe.proto.Caffe.SolverParameter;

/**
 * Prepares a Caffe {@code SolverParameter} (already upgraded: solver_type → type) to be a net's
 * {@code solver}, which {@code NetBinder} then checks and binds. The net references (net, train_net,
 * test_net, weights) are the importer's business; the device fields (solver_mode, device_id) are the
 * command line's. What Graft cannot run stops the import; what it does not need is reported and dropped.
 */
final class SolverImport {
    private SolverImport() {
    }

    static SolverParameter prepare(SolverParameter given, Path file, CaffePaths paths, Consumer<String> warnings) {
        if (!given.hasLrPolicy()) {
            throw new CaffeFormatException(file + ": the solver has no lr_policy (Caffe needs one: fixed, step, multistep,"
                    + " exp, inv, poly or sigmoid)");
        }
        if (!"SGD".equals(given.getType())) {
            throw new CaffeFormatException(file + ": solver type \"" + given.getType() + "\": Graft implements only SGD"
                    + " (with momentum)");
        }
        if (!"L2".equals(given.getRegularizationType())) {
            throw new CaffeFormatException(file + ": regularization_type \"" + given.getRegularizationType()
                    + "\": Graft implements only L2 weight decay");
        }
        SolverParameter.Builder s = given.toBuilder();
        // Where the net comes from has been dealt with by the importer, the device by the command line.
        s.clearNet().clearNetParam().clearTrainNet().clearTestNet().clearTrainNetParam().clearTestNetParam().clearWeights()
                .clearSolverMode().clearDeviceId().clearType().clearSolverType().clearRegularizationType();
        // proto2 gives these no default, so Caffe reads an absent one as 0; say it, since net.json requires them.
        s.setBaseLr(s.getBaseLr()).setMaxIter(s.getMaxIter());
        if (s.getTestIterCount() > 1) {
            warnings.accept(file + ": " + s.getTestIterCount() + " test_iter values (one per test net); Graft has one"
                    + " TEST phase and uses the first, " + s.getTestIter(0));
            int first = s.getTestIter(0);
            s.clearTestIter().addTestIter(first);
        }
        if (s.hasClipGradients() && s.getClipGradients() >= 0) {
            warnings.accept(file + ": clip_gradients " + s.getClipGradients() + " is kept, but Graft's trainer may refuse it");
        }
        for (FieldDescriptor f : s.getAllFields().keySet()) {
            if (f.getOptions().hasExtension(Caffe.graftUnsupported)) {
                warnings.accept(file + ": " + f.getName() + " " + s.getField(f) + " is ignored ("
                        + f.getOptions().getExtension(Caffe.graftUnsupported) + ")");
                s.clearField(f);
            }
        }
        Path prefix = s.hasSnapshotPrefix() && !s.getSnapshotPrefix().isEmpty()
                ? paths.resolveOutput(s.getSnapshotPrefix())
                : defaultPrefix(file);
        return s.setSnapshotPrefix(prefix.toString()).build();
    }

    /** Caffe's default snapshot prefix: the solver file's name without its extension, next to it. */
    private static Path defaultPrefix(Path solverFile) {
        String name = solverFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return solverFile.toAbsolutePath().normalize().resolveSibling(dot > 0 ? name.substring(0, dot) : name);
    }
}
