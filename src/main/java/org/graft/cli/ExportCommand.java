package org.graft.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.WeightFiles;
import org.graft.caffe.WeightShapes;
import org.graft.caffe.proto.Caffe.NetParameter;
import org.graft.engine.Engine;
import org.graft.io.AtomicFiles;
import org.graft.net.config.NetConfig;
import org.graft.onnx.OnnxExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code export MODEL WEIGHTS -o OUT [--format caffemodel|onnx]}: weights for a model as a V2 caffemodel, or the model as ONNX. */
@Command(name = "export", mixinStandardHelpOptions = true, description = {
        "Write MODEL's learned weights as a current-format (V2) caffemodel for Caffe or OpenCV (the default), or",
        "MODEL with its weights as an ONNX model (--format onnx) for ONNX Runtime, OpenCV, PyTorch, TensorRT.",
        "caffemodel: each learned layer is written with its name, type and blobs (shape and data), as Caffe's",
        "snapshots are and as OpenCV's readNetFromCaffe reads them.",
        "onnx: the TEST-phase graph; the data layer becomes the input of transformed images (the transform is",
        "written as metadata), loss and accuracy layers are left out, inputs and outputs carry the blob names;",
        "a layer that cannot be exported exactly stops the export with its name and the reason (docs/onnx.md).",
        "WEIGHTS may be any caffemodel (V0, V1, V2, a Graft snapshot); every blob is checked against MODEL.",
        "With --random-weights instead of WEIGHTS: seeded random weights from the model's fillers (the weights",
        "'train' starts from with that seed); BatchNorm statistics measured on a random input, then perturbed."})
final class ExportCommand implements Callable<Integer> {
    enum Format { caffemodel, onnx }

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

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "The file to write (.caffemodel or .onnx).")
    Path out;

    @Option(names = "--format", paramLabel = "FORMAT", description = "caffemodel (default) or onnx.")
    Format format = Format.caffemodel;

    @Option(names = "--opset", paramLabel = "N", description = "ONNX opset, " + OnnxExporter.MIN_OPSET + ".." + OnnxExporter.MAX_OPSET
            + " (default " + OnnxExporter.DEFAULT_OPSET + ").")
    Integer opset;

    @Option(names = "--batch", paramLabel = "N|dynamic", description = "ONNX batch dimension: a fixed size, or dynamic (default).")
    String batch;

    @Option(names = "--input-shape", split = ",", paramLabel = "C,H,W", hideParamSyntax = true,
            description = "ONNX: the data layer's image shape after its crop, when its source is not at hand to tell.")
    int[] inputShape;

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
        if (format == Format.caffemodel && (opset != null || batch != null || inputShape != null)) {
            throw new IllegalArgumentException("--opset, --batch and --input-shape go with --format onnx");
        }
        NetConfig cfg = Models.load(model);
        if (random) {
            long s = seed == null ? 1 : seed;
            NetParameter net;
            try (Engine engine = device.open()) {
                net = RandomModel.of(engine, cfg, s);
            }
            String what = String.format(Locale.ROOT, "seeded random weights (seed %d) for %d layer(s): %s", s, net.getLayerCount(),
                    String.join(", ", net.getLayerList().stream().map(l -> l.getName()).toList()));
            if (format == Format.onnx) {
                String source = "random weights (seed " + s + ")";
                return onnx(cfg, WeightShapes.match(cfg, CaffeWeights.layers(net, source), source), what);
            }
            CaffeFiles.writeNet(out, net);
            System.out.printf(Locale.ROOT, "Wrote %s: net '%s', %s%n", out.toAbsolutePath(), cfg.name(), what);
            return 0;
        }
        WeightFiles.Fitted f = WeightFiles.forExport(cfg, weights);
        f.warnings().forEach(w -> System.err.println("warning: " + w));
        if (format == Format.onnx) {
            return onnx(cfg, f.matched(), f.floats() + " floats of weights");
        }
        CaffeFiles.writeNet(out, f.net());
        System.out.printf(Locale.ROOT, "Wrote %s: net '%s', %d layer(s), %d floats: %s%n", out.toAbsolutePath(), cfg.name(),
                f.matched().layers().size(), f.floats(),
                String.join(", ", f.matched().layers().stream().map(l -> l.layerName()).toList()));
        return 0;
    }

    private int onnx(NetConfig cfg, WeightShapes.Matched weightsFound, String weightsSaid) {
        OnnxExporter.Options o = new OnnxExporter.Options(opset == null ? OnnxExporter.DEFAULT_OPSET : opset, batchSize(), inputShape);
        OnnxExporter.Result r = OnnxExporter.export(cfg, OnnxExporter.byLayer(weightsFound), o);
        try {
            AtomicFiles.writeBytes(out, r.model().toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + out.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        r.notes().forEach(n -> System.out.println("note: " + n));
        System.out.printf(Locale.ROOT, "Wrote %s: net '%s' as ONNX (opset %d, batch %s), %d node(s), %s;"
                        + " input(s) %s, output(s) %s%n", out.toAbsolutePath(), cfg.name(), o.opset(),
                o.batch() == 0 ? "dynamic" : Integer.toString(o.batch()), r.model().getGraph().getNodeCount(), weightsSaid,
                String.join(", ", r.inputs()), String.join(", ", r.outputs().stream().map(OnnxExporter.Output::name).toList()));
        return 0;
    }

    private int batchSize() {
        if (batch == null || batch.equals("dynamic")) {
            return 0;
        }
        try {
            int n = Integer.parseInt(batch.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--batch expects a positive number or 'dynamic', got '" + batch + "'");
    }
}
