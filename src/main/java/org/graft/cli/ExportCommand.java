package org.graft.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.WeightFiles;
import org.graft.net.config.NetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code export MODEL WEIGHTS -o OUT.caffemodel}: weights for a model as a current (V2) caffemodel. */
@Command(name = "export", mixinStandardHelpOptions = true, description = {
        "Write MODEL's learned weights as a current-format (V2) caffemodel for Caffe or OpenCV.",
        "Each learned layer is written with its name, type and blobs (shape and data), as Caffe's snapshots are",
        "and as OpenCV's readNetFromCaffe reads them.",
        "WEIGHTS may be any caffemodel (V0, V1, V2, a Graft snapshot); every blob is checked against MODEL."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A net.json or a Caffe .prototxt.")
    Path model;

    @Parameters(index = "1", paramLabel = "WEIGHTS", description = "The weights (caffemodel, any vintage).")
    Path weights;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.caffemodel", description = "The file to write.")
    Path out;

    @Override
    public Integer call() {
        NetConfig cfg = Models.load(model);
        WeightFiles.Fitted f = WeightFiles.forExport(cfg, weights);
        CaffeFiles.writeNet(out, f.net());
        f.warnings().forEach(w -> System.err.println("warning: " + w));
        System.out.printf(Locale.ROOT, "Wrote %s: net '%s', %d layer(s), %d floats: %s%n", out.toAbsolutePath(), cfg.name(),
                f.matched().layers().size(), f.floats(),
                String.join(", ", f.matched().layers().stream().map(l -> l.layerName()).toList()));
        return 0;
    }
}
