package org.graft.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.graft.caffe.MeanFiles;
import org.graft.data.ClassSubset;
import org.graft.data.DataException;
import org.graft.data.DataSources;
import org.graft.data.Dataset;
import org.graft.data.ImageListDataset;
import org.graft.data.ImageMean;
import org.graft.data.MeanImage;
import org.graft.experiment.ClassSets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mean}: Caffe's compute_image_mean, without Caffe. */
@Command(name = "mean", mixinStandardHelpOptions = true, description = {
        "Compute the per-pixel mean image of a dataset, as Caffe's",
        "compute_image_mean does, and write it as a Caffe mean file",
        "(binaryproto, 1×C×H×W) for transform_param.mean_file. SOURCE: an LMDB",
        "or LevelDB folder, an IDX image file (with --labels), or an image list."})
final class MeanCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "LMDB, LevelDB, IDX image file or image list.")
    Path source;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "mean.binaryproto", description = "The mean file to write.")
    Path out;

    @Option(names = "--classes", paramLabel = "LIST", description = "Only images of these classes, e.g. 0-4,7 (one half of a split).")
    String classes;

    @Option(names = "--labels", paramLabel = "FILE", description = "The IDX label file (IDX sources only).")
    Path labels;

    @Option(names = "--root", paramLabel = "DIR", description = "Image lists: prepended to every path.")
    String root;

    @Option(names = "--resize", paramLabel = "H,W", description = "Image lists: resize every image to H×W.")
    String resize;

    @Option(names = "--gray", description = "Image lists: one grey plane.")
    boolean gray;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        int n = threads.count();
        int[] size = ImageSize.parse(resize);
        ImageListDataset.Spec spec = new ImageListDataset.Spec(root, size[0], size[1], !gray);
        Dataset data = DataSources.open(source, labels, spec);
        try {
            Dataset used = data;
            if (classes != null) {
                List<Integer> list;
                try {
                    list = ClassSets.parse(classes);
                } catch (IllegalArgumentException e) {
                    throw new DataException("--classes: " + e.getMessage(), e);
                }
                used = new ClassSubset(data, list.stream().mapToInt(Integer::intValue).toArray());
            }
            MeanImage mean = ImageMean.compute(used, n, System.err);
            MeanFiles.write(out, mean);
            System.out.printf(Locale.ROOT, "Wrote %s: mean of %,d images, %s%n", out.toAbsolutePath(), used.size(), mean.shapeText());
        } finally {
            if (data instanceof AutoCloseable c) {
                c.close();
            }
        }
        return 0;
    }
}
