package org.graft.solver;

import org.graft.engine.NonFinite;
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

    /**
     * The newest {@code <prefix>_iter_N.caffemodel} with N ≤ {@code maxIter} whose weights are all finite
     * (each candidate is read and checked, newest first), or null when there is none.
     */
    public static Path lastFiniteModel(Path prefix, int maxIter) {
        Path dir = prefix.toAbsolutePath().getParent();
        String head = prefix.getFileName() + "_iter_";
        List<Integer> iters = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(head) && n.endsWith(".caffemodel") && n.substring(head.length(), n.length() - 11).matches("\\d{1,9}")) {
                    int it = Integer.parseInt(n.substring(head.length(), n.length() - 11));
                    if (it <= maxIter) {
                        iters.add(it);
                    }
                }
            }
        } catch (java.io.IOException e) {
            return null;
        }
        iters.sort(java.util.Comparator.reverseOrder());
        for (int it : iters) {
            Path model = modelPath(prefix, it);
            try {
                boolean finite = true;
                for (List<WeightBlob> blobs : CaffeWeights.byLayer(CaffeFiles.readNet(model), model.toString()).values()) {
                    for (WeightBlob b : blobs) {
                        finite &= NonFinite.describe(b.data()) == null;
                    }
                }
                if (finite) {
                    return model;
                }
            } catch (RuntimeException unreadable) {
                // a damaged file is not a good snapshot; try the one before
            }
        }
        return null;
    }

    /**
     * Deletes the hidden temporary files that {@link org.graft.io.AtomicFiles} leaves when a run is killed
     * while writing a snapshot of this prefix ({@code .<prefix>_iter_N.caffemodel.<hex>.tmp}); returns them.
     */
    public static List<Path> removeStaleTemporaries(Path prefix) {
        Path dir = prefix.toAbsolutePath().getParent();
        java.util.regex.Pattern temp = java.util.regex.Pattern.compile("\\." + java.util.regex.Pattern.quote(prefix.getFileName() + "_iter_")
                + "\\d+\\.(caffemodel|solverstate)\\.[0-9a-f]+\\.tmp");
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (temp.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    removed.add(p);
                }
            }
        } catch (java.io.IOException e) {
            throw new CaffeFormatException("cannot clean temporary snapshot files in " + dir + ": " + e.getMessage());
        }
        return removed;
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

    /**
     * Reads a solver state for {@code --resume}; a momentum history holding NaN or infinite values is
     * refused here, before anything is built or written, so a diverged state cannot overwrite good snapshots.
     */
    public static State readState(Path file) {
        SolverState st = CaffeFiles.readSolverState(file);
        if (!st.hasLearnedNet()) {
            throw new CaffeFormatException(file + ": the solver state names no learned_net (model file)");
        }
        for (int i = 0; i < st.getHistoryCount(); i++) {
            String bad = NonFinite.describe(CaffeWeights.decode(st.getHistory(i), file + " history " + i).data());
            if (bad != null) {
                throw new CaffeFormatException(file + ": momentum history blob " + i + " holds " + bad
                        + "; the run had diverged when it was written; resume from an earlier snapshot");
            }
        }
        Path model = Path.of(st.getLearnedNet());
        if (!model.isAbsolute()) {
            model = file.toAbsolutePath().resolveSibling(st.getLearnedNet());
        }
        return new State(file, st, model);
    }

    /** Restores weights and momentum history into a solver built for the same net. */
    public static void restore(State state, SgdSolver solver) {
        restore(state, solver, false);
    }

    /** @param allowNonFinite load NaN / infinite weights with a warning instead of refusing them */
    public static void restore(State state, SgdSolver solver, boolean allowNonFinite) {
        WeightFiles.load(solver.net(), state.learnedNet(), true, allowNonFinite);
        List<Param> params = solver.params();
        SolverState st = state.proto();
        if (st.getHistoryCount() != params.size()) {
            throw new CaffeFormatException(state.file() + ": holds momentum history for " + st.getHistoryCount()
                    + " parameter blobs but the net has " + params.size() + "; was it written for another net?");
        }
        for (int i = 0; i < params.size(); i++) {
            Blob b = params.get(i).blob();
            WeightBlob h = CaffeWeights.decode(st.getHistory(i), state.file() + " history blob " + i);
            try {
                h = CaffeWeights.conform(h, b.shape(), params.get(i).name(), i);
            } catch (CaffeFormatException e) {
                // conform's words are about a layer's weights; here a history blob does not fit a parameter
                throw new CaffeFormatException(state.file() + ": momentum history blob " + i + " has shape " + h
                        + " but parameter " + i + " of the net (" + b.name() + ") is " + b.shapeString()
                        + "; was the solver state written for another net?");
            }
            ClBuffer buf = solver.history().get(i);
            solver.net().engine().cl().writeFloats(buf, 0, h.data(), 0, h.data().length);
        }
        solver.setIter(st.getIter());
    }
}
