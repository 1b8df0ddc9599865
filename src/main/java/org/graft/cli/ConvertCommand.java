package org.graft.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.graft.data.DataException;
import org.graft.data.DatumEncoder;
import org.graft.data.ImageConverter;
import org.graft.data.ImageSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code convert}: Caffe's convert_imageset, without Caffe. */
@Command(name = "convert", mixinStandardHelpOptions = true, description = {
        "Convert images into a Caffe LMDB of Datum records, as Caffe's",
        "convert_imageset does. SOURCE is a Caffe image list ('path label' lines,",
        "paths relative to --root) or a folder with one sub-folder of images per",
        "class (labels in sorted folder order, or in the order of --classes).",
        "Keys are %%08d_<path> in list order; images become B,G,R planes (grey",
        "with --gray), resized with OpenCV's bilinear sampling (--resize).",
        "Decoding runs on all cores. DB is written as DB.partial and renamed",
        "when complete."})
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "An image list file, or a folder of class folders.")
    Path source;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DB", description = "The LMDB folder to create (must not exist).")
    Path out;

    @Option(names = "--root", paramLabel = "DIR", description = "Prepended to every path of the list (Caffe's root folder).")
    String root;

    @Option(names = "--resize", paramLabel = "H,W", description = "Resize every image to H×W (bilinear).")
    String resize;

    @Option(names = "--gray", description = "Store one grey plane instead of B,G,R.")
    boolean gray;

    @Option(names = "--shuffle", description = "Store the images in a random order (seeded by --seed).")
    boolean shuffle;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of --shuffle (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--encoded", description = "Store the image files (JPEG/PNG) instead of raw pixels.")
    boolean encoded;

    @Option(names = "--encode-type", paramLabel = "png|jpg", description = "With --encoded: re-encode every image in this format.")
    String encodeType;

    @Option(names = "--backend", paramLabel = "lmdb", defaultValue = "lmdb", description = "Database format (only lmdb is written).")
    String backend;

    @Option(names = "--classes", paramLabel = "synsets.txt", description = "With a folder: the class order (first word of each line).")
    Path classes;

    @Option(names = "--skip-bad", description = "Report unreadable or corrupt images and leave them out (default: stop).")
    boolean skipBad;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        if (!backend.toLowerCase(Locale.ROOT).equals("lmdb")) {
            throw new DataException("--backend " + backend + ": convert writes LMDB only (Graft reads LMDB and LevelDB)");
        }
        ImageSet images;
        if (ImageSet.isFolder(source)) {
            if (root != null) {
                throw new DataException("--root applies to an image list; the folder " + source + " is the root itself");
            }
            images = ImageSet.fromFolder(source, classes);
        } else {
            if (classes != null) {
                throw new DataException("--classes (a synsets file) applies to a folder of class folders; an image list has its labels");
            }
            if (!Files.exists(source)) {
                throw new DataException("image list " + source + " does not exist");
            }
            images = ImageSet.fromList(source, root);
        }
        if (shuffle) {
            images = images.shuffled(seed);
        }
        int[] size = ImageSize.parse(resize);
        DatumEncoder encoder = new DatumEncoder(size[0], size[1], gray, encoded, encodeType);
        int n = threads.count();
        ImageConverter.Summary s = ImageConverter.convert(images, out, encoder, skipBad, n, System.err);
        System.out.printf(Locale.ROOT, "Wrote %s: %,d images%s in %.1f s (%.0f images/s)%n", out.toAbsolutePath(), s.written(),
                s.skipped().isEmpty() ? "" : ", " + s.skipped().size() + " skipped (listed above)", s.seconds(), s.written() / Math.max(1e-9, s.seconds()));
        return 0;
    }
}
