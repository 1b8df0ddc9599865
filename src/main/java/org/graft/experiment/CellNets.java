package org.graft.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.graft.layers.Phase;
import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.net.config.DataParam;
import org.graft.net.config.ImageDataParam;
import org.graft.net.config.InitConfig;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.ops.accuracy.AccuracyLayer;
import org.graft.ops.innerproduct.InnerProductLayer;
import org.graft.net.config.NetConfig;
import org.graft.net.config.ParamSpec;
import org.graft.net.config.SolverConfig;
import org.graft.net.config.TransformParam;
import org.graft.ops.batchnorm.BatchNormLayer;

/**
 * Turns the base net.json into one cell's net.json, with the mechanisms of the paper's own files
 * (caffe-format.md A6), so the cell can be re-run by hand with {@code train}:
 * <ul>
 * <li>data layers keep only the target half's classes ({@code data_param.classes}, relabelled 0..k−1 in
 * ascending order) and get the experiment's limits (and, with a per-half mean, the half's mean file);</li>
 * <li>the layers with blobs up to chop point n (by default the first n learnable layers) keep their names,
 * so {@code init.weights} (the base cell's final caffemodel) fills them by name; frozen treatments set
 * lr_mult 0 and decay_mult 0 on them, and use_global_stats on copied BatchNorm layers;</li>
 * <li>every other layer with blobs of a copying treatment is renamed {@code <name>-new}, so it is not found
 * in the caffemodel and starts from its fillers; its multipliers are unchanged;</li>
 * <li>the last layer gets one output per class of the target (or the experiment's fixed count);</li>
 * <li>the solver is the schedule's, with the cell's seed, and snapshots named {@code model_iter_N} in the
 * cell's folder.</li>
 * </ul>
 */
final class CellNets {
    static final String SNAPSHOT_PREFIX = "model";

    private CellNets() {
    }

    /** The final caffemodel of a cell, relative to the cell's folder. */
    static String modelFile(int maxIter) {
        return SNAPSHOT_PREFIX + "_iter_" + maxIter + ".caffemodel";
    }

    /** {@code meanFile}: the half's mean image for every data layer, or null to keep the base net's. */
    static NetConfig build(Experiment exp, Cell cell, SolverConfig solver, Path meanFile) {
        NetConfig base = exp.baseNet();
        List<String> learnable = exp.learnable();
        String last = learnable.get(learnable.size() - 1);
        Set<String> copiedLayers = Set.copyOf(exp.copied(cell.n()));
        int outputs = exp.lastLayerOutputs() != null ? exp.lastLayerOutputs() : cell.classes().size();
        List<LayerConfig> layers = new ArrayList<>();
        for (LayerConfig l : base.layers()) {
            if (l.type() == LayerType.ACCURACY && l.settings(AccuracyLayer.Spec.class).topK() > outputs) {
                continue;  // top-5 of a 4-class half is meaningless (and the layer would refuse it)
            }
            boolean withBlobs = learnable.contains(l.name());
            boolean copied = copiedLayers.contains(l.name());
            LayerConfig out = l;
            if (l.type() == LayerType.DATA || l.type() == LayerType.IMAGE_DATA) {
                out = withClasses(l, cell.classes(), l.includedIn(Phase.TRAIN) ? exp.trainLimit() : exp.testLimit());
                if (meanFile != null) {
                    TransformParam t = out.transformParam();
                    out = out.toBuilder().transform(new TransformParam(t.scale(), t.mirror(), t.cropSize(), meanFile, t.meanValue())).build();
                }
            }
            if (withBlobs) {
                if (l.name().equals(last)) {
                    out = withOutputs(out, outputs);
                }
                if (copied && cell.treatment().frozen()) {
                    List<ParamSpec> frozen = new ArrayList<>();
                    for (int b = 0; b < l.learnableBlobs(); b++) {
                        frozen.add(l.paramSpec(b).withMultipliers(0f, 0f));
                    }
                    out = out.withParams(frozen);
                    if (l.type() == LayerType.BATCH_NORM && cell.treatment().copies()) {
                        out = withGlobalStats(out);
                    }
                }
                if (!copied && cell.treatment().copies()) {
                    out = out.withName(l.name() + "-new");
                }
            }
            layers.add(out);
        }
        SolverConfig s = solver.toBuilder().randomSeed(cell.seed()).snapshotPrefix(Path.of(SNAPSHOT_PREFIX)).build();
        NetConfig net = new NetConfig(exp.name() + "-" + cell.id(), base.forceBackward(), layers, s, null, null);
        if (cell.treatment().copies()) {
            net = net.withInit(new InitConfig(Path.of("..", cell.depends().get(0), modelFile(s.maxIter()))));
        }
        return net;
    }

    static LayerConfig withClasses(LayerConfig l, List<Integer> classes, Integer limit) {
        if (l.type() == LayerType.DATA) {
            DataParam p = l.dataParam();
            DataParam q = new DataParam(p.source(), p.batchSize(), p.backend(), p.labelSource(), classes, p.shuffle(),
                    limit != null ? limit : p.limit());
            return l.toBuilder().data(q).build();
        }
        ImageDataParam p = l.imageDataParam();
        ImageDataParam q = new ImageDataParam(p.source(), p.batchSize(), p.shuffle(), p.newHeight(), p.newWidth(), p.isColor(),
                p.rootFolder(), classes);
        return l.toBuilder().imageData(q).build();
    }

    /**
     * A frozen copy of a BatchNorm layer normalises with the copied statistics in TRAIN too and never updates
     * them: lr_mult 0 alone would not freeze them, since BatchNorm updates its running sums in the forward pass.
     * (The random-weights control copies no statistics, so its BatchNorm layers keep using the batch's.)
     */
    private static LayerConfig withGlobalStats(LayerConfig l) {
        BatchNormLayer.Spec s = l.settings(BatchNormLayer.Spec.class);
        return l.toBuilder().settings(new BatchNormLayer.Spec(true, s.movingAverageFraction(), s.eps())).build();
    }

    private static LayerConfig withOutputs(LayerConfig l, int outputs) {
        if (l.type() == LayerType.INNER_PRODUCT) {
            return l.toBuilder().settings(l.settings(InnerProductLayer.Spec.class).withNumOutput(outputs)).build();
        }
        return l.toBuilder().settings(l.settings(ConvolutionLayer.Spec.class).withNumOutput(outputs)).build();
    }

    /** For cell.json: which layers are copied, frozen, or renamed, so a reader need not diff the nets. */
    static Map<String, Object> describe(Experiment exp, Cell cell) {
        List<String> copied = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        for (String name : exp.learnable()) {
            if (exp.copied(cell.n()).contains(name)) {
                copied.add(name);
            } else {
                fresh.add(cell.treatment().copies() ? name + "-new" : name);
            }
        }
        String firstN = cell.treatment() == Treatment.RANDOM ? "random, frozen" : !cell.treatment().copies() ? "none"
                : cell.treatment().frozen() ? "copied, frozen" : "copied, fine-tuned";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("first_n_layers", copied);
        m.put("first_n_treatment", cell.n() == 0 ? "none (base network)" : firstN);
        m.put("learning_from_fillers", fresh);
        return m;
    }
}
