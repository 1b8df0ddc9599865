package org.graft.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.WeightFiles;
import org.graft.engine.Engine;
import org.graft.net.config.NetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code export MODEL WEIGHTS -o OUT.caffemodel}: weights for a model as a current (V2) caffemodel. */
@Command(name = "export", mixinStandardHelpOptions = true, description = {
        "Write MODEL's learned weights as a current-format (V2) caffemodel for Caffe or OpenCV.",
        "Each learned layer is written with its name, type and blobs (shape and data), as Caffe's snapshots are",
        "and as OpenCV's readNetFromCaffe reads them.",
        "WEIGHTS may be any caffemodel (V0, V1, V2, a Graft snapshot); every blob is checked against MODEL.",
        "With --random-weights instead of WEIGHTS: seeded random weights from the model's fillers (the weights",
        "'train' starts from with that seed); BatchNorm statistics measured on a random input, then perturbed."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A net.json or a Caffe .prototxt.")
    Path model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "WEIGHTS", description = "The weights (caffemodel, any vintage).")
    Path weights;

    @Option(names = "--random-weights", description = "Write seeded random weights instead of WEIGHTS (the model's fillers; needs a device).")
    boolean random;

    @Option(names = "--seed", paramLabel = "S", description = "The seed of --random-weights (default: 1).")
    Long seed;

    @Mixin
    DeviceOptions device;

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.caffemodel", description = "The file to write.")
    Path out;

    @Override
    public Integer call() {
        if (random == (weights != null)) {
            throw new IllegalArgumentException(random ? "give either WEIGHTS or --random-weights, not both"
                    : "give the WEIGHTS to export, or --random-weights");
        }
        if (seed != null && !random) {
            throw new IllegalArgumentException("--seed sets the seed of --random-weights; it needs --random-weights");
        }
        for (String o : List.of("--backend", "--device", "--device-type", "--no-cache", "--no-tune")) {
            if (!random && spec.commandLine().getParseResult().hasMatchedOption(o)) {
                throw new IllegalArgumentException(o + " chooses the device of --random-weights; exporting WEIGHTS needs no device");
            }
        }
        NetConfig cfg = Models.load(model);
        if (random) {
            long s = seed == null ? 1 : seed;
            org.graft.caffe.proto.Caffe.NetParameter net;
            try (Engine engine = device.open()) {
                net = RandomModel.of(engine, cfg, s);
            }
            CaffeFiles.writeNet(out, net);
            System.out.printf(Locale.ROOT, "Wrote %s: net '%s', seeded random weights (seed %d) for %d layer(s): %s%n", out.toAbsolutePath(),
                    cfg.name(), s, net.getLayerCount(), String.join(", ", net.getLayerList().stream().map(l -> l.getName()).toList()));
            return 0;
        }
        WeightFiles.Fitted f = WeightFiles.forExport(cfg, weights);
        CaffeFiles.writeNet(out, f.net());
        f.warnings().forEach(w -> System.err.println("warning: " + w));
        System.out.printf(Locale.ROOT, "Wrote %s: net '%s', %d layer(s), %d floats: %s%n", out.toAbsolutePath(), cfg.name(),
                f.matched().layers().size(), f.floats(),
                String.join(", ", f.matched().layers().stream().map(l -> l.layerName()).toList()));
        return 0;
    }
}
