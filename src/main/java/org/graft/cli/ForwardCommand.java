package org.graft.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.graft.caffe.WeightFiles;
import org.graft.data.Npy;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Pass;
import org.graft.layers.Phase;
import org.graft.net.ForwardProbe.Capture;
import org.graft.net.ForwardProbe;
import org.graft.net.NetBuilder.PhaseNet;
import org.graft.net.NetBuilder;
import org.graft.net.config.BlobShape;
import org.graft.net.config.InputParam;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code forward MODEL --weights W --input IN.npy --blobs a,b -o OUTDIR}: one TEST-phase forward pass. */
@Command(name = "forward", mixinStandardHelpOptions = true, description = {
        "Run one TEST-phase forward pass on a NumPy float32 tensor (N x C x H x W) and write blobs as .npy files.",
        "The net is reshaped to the input's batch size N. Each blob is written as the layer that produced it left",
        "it (before any in-place layer such as ReLU changed it); give a layer name (e.g. relu1) for its output."})
public final class ForwardCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A net.json or a Caffe .prototxt.")
    Path model;

    @Option(names = "--weights", paramLabel = "W.caffemodel", description = "Weights (a caffemodel of any vintage), matched by layer name.")
    Path weights;

    @Option(names = "--input", required = true, paramLabel = "IN.npy", description = "The input tensor, float32 .npy, N x C x H x W.")
    Path input;

    @Option(names = "--blobs", split = ",", paramLabel = "NAME", description = "Blobs (or layers) to write; default: the net's outputs.")
    List<String> blobs = new ArrayList<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTDIR", description = "Folder for <blob>.npy files.")
    Path outDir;

    @Option(names = "--allow-missing-weights", description = "Run even if --weights lacks some learned layers (they keep their fillers, seed 0).")
    boolean allowMissingWeights;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() {
        NetConfig cfg = Models.load(model);
        Npy.Array in = Npy.read(input);
        try (Engine engine = device.open()) {
            Map<String, Capture> out = forward(engine, cfg, weights, allowMissingWeights, in, blobs, m -> System.out.println(m));
            for (Map.Entry<String, Capture> e : out.entrySet()) {
                Path f = outDir.resolve(fileName(e.getKey()));
                Npy.write(f, e.getValue().shape(), e.getValue().data());
                System.out.println("Wrote " + f + " " + Arrays.toString(e.getValue().shape()));
            }
        }
        return 0;
    }

    /** Blob names may hold '/' (e.g. "conv1/7x7_s2"); a file name may not. */
    static String fileName(String blob) {
        return blob.replaceAll("[^A-Za-z0-9._-]", "_") + ".npy";
    }

    /**
     * The forward pass behind the command: the TEST net of {@code cfg} with its first data or Input layer
     * fed {@code input} (batch reshaped to N), weights copied by layer name, and the requested blobs captured
     * right after their producers. {@code notes} receives what was done (weights copied, layers left at
     * their fillers, data layers replaced).
     */
    public static Map<String, Capture> forward(Engine engine, NetConfig cfg, Path weights, Npy.Array input,
                                               List<String> names, Consumer<String> notes) {
        return forward(engine, cfg, weights, true, input, names, notes);
    }

    /** @param allowMissing run even if {@code weights} lacks learned layers (else refused: outputs would be random) */
    public static Map<String, Capture> forward(Engine engine, NetConfig cfg, Path weights, boolean allowMissing, Npy.Array input,
                                               List<String> names, Consumer<String> notes) {
        NetConfig deploy = withInput(cfg, input.shape(), notes);
        LayerConfig inputLayer = deploy.layersFor(Phase.TEST).get(0);
        String inputBlob = inputLayer.top().get(0);
        try (PhaseNet pn = NetBuilder.build(engine, deploy, Phase.TEST, 0, null, input.shape()[0])) {
            pn.net().fill(0);
            List<String> withParams = new ArrayList<>();
            for (Layer l : pn.net().layers()) {
                if (!l.params().isEmpty()) {
                    withParams.add(l.name());
                }
            }
            if (weights != null) {
                List<String> copied = WeightFiles.load(pn.net(), weights, false);
                notes.accept("Weights from " + weights + " for " + copied.size() + " layer(s): " + String.join(", ", copied));
                withParams.removeAll(copied);
                if (!withParams.isEmpty() && !allowMissing) {
                    throw new IllegalArgumentException(weights + " has no weights for layer(s) " + String.join(", ", withParams)
                            + "; their outputs would come from random fillers (pass --allow-missing-weights if that is meant)");
                }
                if (!withParams.isEmpty()) {
                    notes.accept("warning: no weights in " + weights + " for " + String.join(", ", withParams)
                            + "; they keep their fillers (seed 0)");
                }
            } else if (!withParams.isEmpty()) {
                notes.accept("warning: no --weights given; " + String.join(", ", withParams) + " use their fillers (seed 0)");
            }
            pn.net().blob(inputBlob).upload(input.data());
            List<String> wanted = names.isEmpty() ? pn.net().unreadTops() : names;
            return ForwardProbe.run(pn.net(), wanted, Pass.test());
        }
    }


    /**
     * The config whose first TEST data layer is an Input of the tensor's shape: an Input layer keeps its
     * name and must declare the same C x H x W; a Data or ImageData layer becomes an Input (labels 0).
     */
    static NetConfig withInput(NetConfig cfg, int[] shape, Consumer<String> notes) {
        List<LayerConfig> test = cfg.layersFor(Phase.TEST);
        if (test.isEmpty() || !test.get(0).type().isData()) {
            throw new IllegalArgumentException("net '" + cfg.name() + "' does not start with a data or Input layer in phase TEST");
        }
        LayerConfig first = test.get(0);
        if (shape.length == 0 || shape[0] < 1) {
            throw new IllegalArgumentException("the input tensor has shape " + Arrays.toString(shape) + "; expected N x C x H x W with N >= 1");
        }
        for (LayerConfig l : test) {
            if (l != first && l.type().isData() && l.type() != LayerType.INPUT) {
                throw new IllegalArgumentException("net '" + cfg.name() + "' has a second data layer '" + l.name()
                        + "' in phase TEST; forward feeds one input");
            }
        }
        if (first.type() == LayerType.INPUT) {
            int[] declared = first.inputParam().shapeOf(0);
            boolean same = declared.length == shape.length;
            for (int a = 1; same && a < shape.length; a++) {
                same = declared[a] == shape[a];
            }
            if (!same) {
                throw new IllegalArgumentException("the input tensor has shape " + Arrays.toString(shape) + ", but the net's input '"
                        + first.top().get(0) + "' is " + Arrays.toString(declared) + " (any batch size N is fine, the other"
                        + " dimensions must match)");
            }
            return cfg.withLayers(test);
        }
        List<BlobShape> shapes = new ArrayList<>();
        shapes.add(BlobShape.of(shape));
        if (first.top().size() > 1) {
            shapes.add(BlobShape.of(shape[0]));
        }
        List<LayerConfig> layers = new ArrayList<>();
        LayerConfig.Builder b = LayerConfig.builder(first.name(), LayerType.INPUT).top(first.top().toArray(String[]::new))
                .input(new InputParam(shapes));
        notes.accept("The " + first.type().jsonName() + " layer '" + first.name() + "' is replaced by the input tensor"
                + (first.top().size() > 1 ? " (labels all 0)" : ""));
        layers.add(b.build());
        test.stream().skip(1).forEach(layers::add);
        return cfg.withLayers(layers);
    }
}
