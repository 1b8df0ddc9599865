package org.graft.solver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeFormatException;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.CaffeWeights.LayerBlobs;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.caffe.WeightFiles;
import org.graft.caffe.proto.Caffe.NetParameter;
import org.graft.caffe.proto.Caffe.SolverState;
import org.graft.engine.Blob;
import org.graft.layers.Layer;
import org.graft.layers.Param;
import org.graft.net.Net;
import org.graft.opencl.ClBuffer;

/**
 * Snapshots in Caffe's own formats: {@code <prefix>_iter_<N>.caffemodel} (V2 NetParameter, layer name,
 * type and blobs) and {@code <prefix>_iter_<N>.solverstate} (iteration, learned_net, momentum history).
 * Both are written atomically, the model first, so an interrupted write leaves earlier snapshots intact.
 */
public final class Snapshots {
    private Snapshots() {
    }

    public static Path modelPath(Path prefix, int iter) {
        return prefix.resolveSibling(prefix.getFileName() + "_iter_" + iter + ".caffemodel");
    }

    public static Path statePath(Path prefix, int iter) {
        return prefix.resolveSibling(prefix.getFileName() + "_iter_" + iter + ".solverstate");
    }

    /** The learned weights of a net as a V2 NetParameter. */
    public static NetParameter toNetParameter(Net net) {
        List<LayerBlobs> layers = new ArrayList<>();
        for (Layer l : net.layers()) {
            if (l.params().isEmpty()) {
                continue;
            }
            List<WeightBlob> blobs = new ArrayList<>();
            for (Param p : l.params()) {
                blobs.add(new WeightBlob(p.blob().shape(), p.blob().download(), false));
            }
            layers.add(new LayerBlobs(l.name(), l.type(), blobs));
        }
        String name = net.name().contains("/") ? net.name().substring(0, net.name().indexOf('/')) : net.name();
        return CaffeWeights.toNet(name, layers);
    }

    public static void writeModel(Path file, Net net) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new CaffeFormatException("cannot create the snapshot folder for " + file + ": " + e.getMessage());
        }
        CaffeFiles.writeNet(file, toNetParameter(net));
    }

    /** Writes model and solver state for the solver's current iteration; returns the state file. */
    public static Path write(Path prefix, SgdSolver solver) {
        int iter = solver.iter();
        Path model = modelPath(prefix, iter);
        writeModel(model, solver.net());
        SolverState.Builder st = SolverState.newBuilder()
                .setIter(iter)
                .setLearnedNet(model.getFileName().toString())
                .setCurrentStep(0)
                .setGraftRandomSeed(solver.seed());
        List<Param> params = solver.params();
        for (int i = 0; i < params.size(); i++) {
            Blob b = params.get(i).blob();
            float[] h = new float[b.count()];
            solver.net().engine().cl().readFloats(solver.history().get(i), 0, h, 0, h.length);
            st.addHistory(CaffeWeights.encode(b.shape(), h));
        }
        Path state = statePath(prefix, iter);
        CaffeFiles.writeSolverState(state, st.build());
        return state;
    }

    /** What a solver state file holds, read before the solver is built (the seed is needed first). */
    public record State(Path file, SolverState proto, Path learnedNet) {
        public long seedOr(long fallback) {
            return proto.hasGraftRandomSeed() ? proto.getGraftRandomSeed() : fallback;
        }
    }

    public static State readState(Path file) {
        SolverState st = CaffeFiles.readSolverState(file);
        if (!st.hasLearnedNet()) {
            throw new CaffeFormatException(file + ": the solver state names no learned_net (model file)");
        }
        Path model = Path.of(st.getLearnedNet());
        if (!model.isAbsolute()) {
            model = file.toAbsolutePath().resolveSibling(st.getLearnedNet());
        }
        return new State(file, st, model);
    }

    /** Restores weights and momentum history into a solver built for the same net. */
    public static void restore(State state, SgdSolver solver) {
        WeightFiles.load(solver.net(), state.learnedNet(), true);
        List<Param> params = solver.params();
        SolverState st = state.proto();
        if (st.getHistoryCount() != params.size()) {
            throw new CaffeFormatException(state.file() + ": holds momentum history for " + st.getHistoryCount()
                    + " parameter blobs but the net has " + params.size() + "; was it written for another net?");
        }
        for (int i = 0; i < params.size(); i++) {
            Blob b = params.get(i).blob();
            WeightBlob h = CaffeWeights.conform(CaffeWeights.decode(st.getHistory(i), "history " + i),
                    b.shape(), params.get(i).name(), i);
            ClBuffer buf = solver.history().get(i);
            solver.net().engine().cl().writeFloats(buf, 0, h.data(), 0, h.data().length);
        }
        solver.setIter(st.getIter());
    }
}
