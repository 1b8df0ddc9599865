package org.graft.experiment;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.graft.caffe.MeanFiles;
import org.graft.data.ImageMean;
import org.graft.data.MeanImage;
import org.graft.layers.Phase;
import org.graft.net.DataFeed;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.TransformParam;
import org.graft.solver.Trainer;

/**
 * {@code "mean": "per_half"}: one mean image per training half, as the paper computed (Caffe's
 * compute_image_mean over each half's training images). A half's mean is over exactly the images its
 * networks train on: the base net's TRAIN data layer with the half's classes and the experiment's train
 * limit. Means are written once into {@code DIR/means/<split>-<half>-<hash>.binaryproto}; the hash covers
 * the data layer (source, classes, limit, resizing), so a changed half gets a new file (and so its cells a
 * new net.json, which planning then treats as changed) while re-planning the same experiment reuses them.
 */
final class HalfMeans {
    private HalfMeans() {
    }

    /** Which mean a cell uses: its split and target half. */
    static String key(Cell c) {
        return c.split() + "-" + c.target().name();
    }

    /** The mean file of every half the cells train on, computed where missing. */
    static Map<String, Path> compute(Experiment exp, List<Cell> cells, Path root, PrintStream out) {
        LayerConfig train = exp.baseNet().layersFor(Phase.TRAIN).stream()
                .filter(l -> l.type() == LayerType.DATA || l.type() == LayerType.IMAGE_DATA).findFirst().orElseThrow();
        Map<String, Path> means = new LinkedHashMap<>();
        for (Cell c : cells) {
            String key = key(c);
            if (means.containsKey(key)) {
                continue;
            }
            LayerConfig half = CellNets.withClasses(train, c.classes(), exp.trainLimit());
            TransformParam t = half.transformParam();
            half = half.toBuilder().transform(new TransformParam(t.scale(), t.mirror(), t.cropSize(), null, t.meanValue())).build();
            String id = half.type() == LayerType.DATA ? half.dataParam().toString() : half.imageDataParam().toString();
            Path file = root.resolve("means").resolve(key + "-" + String.format(Locale.ROOT, "%08x", (int) Cell.fnv1a(id)) + ".binaryproto");
            if (!Files.isRegularFile(file)) {
                if (out != null) {
                    out.printf(Locale.ROOT, "Mean image of %s (%d classes) -> %s%n", key, c.classes().size(), root.relativize(file));
                }
                try (DataFeed feed = DataFeed.open(half, Phase.TRAIN, 0, Trainer.caffeMeanLoader())) {
                    MeanImage mean = ImageMean.compute(feed.dataset(), Runtime.getRuntime().availableProcessors(), out);
                    MeanFiles.write(file, mean);
                }
            }
            means.put(key, file);
        }
        return means;
    }
}
