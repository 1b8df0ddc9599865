package org.graft.net.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.graft.layers.Phase;

/**
 * A whole net.json: the network's layers for every phase, the optional solver (absent for deploy-only
 * nets) and the optional weight initialisation. {@code file} is where it was loaded from (null when built
 * in code); every path inside is absolute after loading.
 */
public record NetConfig(String name, boolean forceBackward, List<LayerConfig> layers, SolverConfig solver,
                        InitConfig init, Path file) {
    public NetConfig {
        layers = List.copyOf(layers);
    }

    public static NetConfig of(String name, List<LayerConfig> layers, SolverConfig solver) {
        return new NetConfig(name, false, layers, solver, null, null);
    }

    /** The layers present in {@code phase}, in file order (Caffe's include/exclude rules). */
    public List<LayerConfig> layersFor(Phase phase) {
        return layers.stream().filter(l -> l.includedIn(phase)).toList();
    }

    /** The layer called {@code layerName} in {@code phase} (names are unique per phase, not overall). */
    public Optional<LayerConfig> layer(String layerName, Phase phase) {
        return layersFor(phase).stream().filter(l -> l.name().equals(layerName)).findFirst();
    }

    public boolean hasSolver() {
        return solver != null;
    }

    /** The solver section, or an error naming the file when it has none (training needs one). */
    public SolverConfig requireSolver() {
        if (solver == null) {
            throw new ConfigException(file, 0, 0, "solver", "this net has no \"solver\" section, which training needs");
        }
        return solver;
    }

    /** The folder relative paths were resolved against (null when built in code). */
    public Path baseDir() {
        return file == null ? null : file.toAbsolutePath().getParent();
    }

    public NetConfig withLayers(List<LayerConfig> newLayers) {
        return new NetConfig(name, forceBackward, newLayers, solver, init, file);
    }

    public NetConfig withSolver(SolverConfig newSolver) {
        return new NetConfig(name, forceBackward, layers, newSolver, init, file);
    }

    public NetConfig withInit(InitConfig newInit) {
        return new NetConfig(name, forceBackward, layers, solver, newInit, file);
    }

    public NetConfig withName(String newName) {
        return new NetConfig(newName, forceBackward, layers, solver, init, file);
    }
}
