package org.graft.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeImporter;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.CaffeWeights.LayerBlobs;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.caffe.WeightFiles;
import org.graft.caffe.WeightShapes;
import org.graft.cli.ForwardCommand;
import org.graft.data.Npy;
import org.graft.net.ForwardProbe.Capture;
import org.graft.net.config.BlobShape;
import org.graft.net.config.InputParam;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;
import org.graft.onnx.proto.Onnx.ModelProto;
import org.graft.onnx.proto.Onnx.TensorProto;
import org.graft.onnx.proto.Onnx.TypeProto;
import org.graft.onnx.proto.Onnx.ValueInfoProto;
import org.graft.testing.TestEngines;

/**
 * Exports a net to ONNX, runs the model in ONNX Runtime (Java API) and Graft's {@code forward} on the same
 * input, and compares every output. The error measure is max |onnx − graft| / max |graft| per output (relative
 * to the output's scale: single elements near zero would make an element-wise relative error meaningless).
 */
final class OnnxRoundTrip {
    /** Float32 with different summation orders (ONNX Runtime's MLAS vs Graft's kernels): ~1e-6 relative; 1e-4 is the bound. */
    static final double TOLERANCE = 1e-4;

    private OnnxRoundTrip() {
    }

    record Comparison(String output, int[] shape, double maxAbsDiff, double maxAbs) {
        double relative() {
            return maxAbs == 0 ? maxAbsDiff : maxAbsDiff / maxAbs;
        }
    }

    record Run(OnnxExporter.Result export, List<Comparison> comparisons) {
        double worst() {
            return comparisons.stream().mapToDouble(Comparison::relative).max().orElseThrow();
        }

        /** Asserts every output within {@link #TOLERANCE} and prints the differences under {@code label}. */
        Run assertClose(String label) {
            for (Comparison c : comparisons) {
                System.out.printf(Locale.ROOT, "ONNX export %s: %-14s %s max |diff| %.3g, max |value| %.3g, relative %.3g%n", label,
                        c.output(), java.util.Arrays.toString(c.shape()), c.maxAbsDiff(), c.maxAbs(), c.relative());
            }
            for (Comparison c : comparisons) {
                assertThat(c.relative()).as("%s output %s: ONNX Runtime vs Graft, relative difference", label, c.output())
                        .isLessThan(TOLERANCE);
            }
            return this;
        }
    }

    /** Imports a Caffe prototxt text (written to {@code dir}). */
    static NetConfig prototxt(Path dir, String name, String text) {
        try {
            Path f = dir.resolve(name + ".prototxt");
            Files.writeString(f, text);
            return CaffeImporter.importFiles(f, null, dir.resolve(name + ".json"), dir).config();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the export of {@code cfg} with {@code weights} (null for a net without learned layers) against Graft's forward on {@code input}. */
    static Run run(NetConfig cfg, Path weights, Npy.Array input, OnnxExporter.Options o) {
        return run(cfg, weights, input, o, List.of());
    }

    /**
     * As {@link #run(NetConfig, Path, Npy.Array, OnnxExporter.Options)}, comparing also the intermediate blobs
     * {@code inner} (each named as the layer that created it left it, as in {@code forward --blobs}), which the
     * model then declares as extra outputs: a net's final softmax alone would hide errors behind near-uniform
     * probabilities.
     */
    static Run run(NetConfig cfg, Path weights, Npy.Array input, OnnxExporter.Options o, List<String> inner) {
        Map<String, List<WeightBlob>> blobs = weights == null ? Map.of() : OnnxExporter.byLayer(WeightFiles.forExport(cfg, weights).matched());
        OnnxExporter.Result exported = OnnxExporter.export(cfg, blobs, o);
        ModelProto.Builder m = exported.model().toBuilder();
        List<OnnxExporter.Output> outputs = new ArrayList<>(exported.outputs());
        for (String t : inner) {
            if (outputs.stream().anyMatch(out -> out.name().equals(t))) {
                continue;  // already an output
            }
            m.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(t).setType(TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
            outputs.add(new OnnxExporter.Output(t, t, t));
        }
        OnnxExporter.Result r = new OnnxExporter.Result(m.build(), exported.inputs(), outputs, exported.notes());
        Map<String, Capture> onnx = onnxRuntime(r.model().toByteArray(), r.inputs().get(0), input);
        List<String> names = r.outputs().stream().map(OnnxExporter.Output::graftName).toList();
        Map<String, Capture> graft = ForwardCommand.forward(TestEngines.get(), cfg, weights, input, names, note -> { });
        List<Comparison> out = new ArrayList<>();
        for (OnnxExporter.Output o2 : r.outputs()) {
            Capture a = onnx.get(o2.name());
            Capture b = graft.get(o2.graftName());
            assertThat(a).as("ONNX output %s", o2.name()).isNotNull();
            assertThat(a.shape()).as("shape of output %s", o2.name()).containsExactly(b.shape());
            double diff = 0;
            double max = 0;
            for (int i = 0; i < b.data().length; i++) {
                diff = Math.max(diff, Math.abs((double) a.data()[i] - b.data()[i]));
                max = Math.max(max, Math.abs(b.data()[i]));
            }
            assertThat(Double.isFinite(diff)).as("finite outputs of %s", o2.name()).isTrue();
            out.add(new Comparison(o2.name(), b.shape(), diff, max));
        }
        return new Run(r, out);
    }

    /** Every output of the model run by ONNX Runtime (one thread: the machine is shared) on {@code input}. */
    static Map<String, Capture> onnxRuntime(byte[] model, String inputName, Npy.Array input) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = new long[input.shape().length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = input.shape()[i];
        }
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            so.setInterOpNumThreads(1);
            try (OrtSession s = env.createSession(model, so);
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.data()), shape);
                 OrtSession.Result res = s.run(Map.of(inputName, x))) {
                Map<String, Capture> out = new LinkedHashMap<>();
                res.forEach(e -> {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    long[] ls = t.getInfo().getShape();
                    int[] is = new int[ls.length];
                    for (int i = 0; i < ls.length; i++) {
                        is[i] = (int) ls[i];
                    }
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] data = new float[fb.remaining()];
                    fb.get(data);
                    out.put(e.getKey(), new Capture(is, data));
                });
                return out;
            }
        } catch (OrtException e) {
            throw new AssertionError("ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /**
     * Seeded random weights for every learned layer of {@code cfg} (its first data layer fed images of
     * {@code chw}), written as a caffemodel: weights N(0, 1/fan-in) so activations stay of order 1 through deep
     * nets, biases uniform in ±0.1. Null when the net learns nothing.
     */
    static Path randomWeights(NetConfig cfg, int[] chw, long seed, Path file) {
        List<LayerConfig> layers = new ArrayList<>();
        for (LayerConfig l : cfg.layers()) {
            if (l.type() == LayerType.DATA || l.type() == LayerType.IMAGE_DATA) {
                layers.add(l.asInput(new InputParam(List.of(BlobShape.of(1, chw[0], chw[1], chw[2]), BlobShape.of(1)))));
            } else {
                layers.add(l);
            }
        }
        Random rnd = new Random(seed);
        List<LayerBlobs> blobs = new ArrayList<>();
        for (Map.Entry<String, List<int[]>> e : WeightShapes.expected(cfg.withLayers(layers)).entrySet()) {
            List<WeightBlob> list = new ArrayList<>();
            for (int[] shape : e.getValue()) {
                int count = 1;
                for (int d : shape) {
                    count *= d;
                }
                int fanIn = shape.length > 1 ? count / shape[0] : 0;
                float[] data = new float[count];
                for (int i = 0; i < count; i++) {
                    data[i] = fanIn > 0 ? (float) (rnd.nextGaussian() / Math.sqrt(fanIn)) : (float) (0.2 * rnd.nextDouble() - 0.1);
                }
                list.add(new WeightBlob(shape, data, false));
            }
            String type = cfg.layers().stream().filter(l -> l.name().equals(e.getKey())).findFirst().orElseThrow().type().jsonName();
            if (type.equals("BatchNorm")) {
                // Statistics as Caffe stores them: sums scaled by a moving-average factor (here 3.5), variances positive.
                float factor = 3.5f;
                float[] mean = list.get(0).data();
                float[] var = list.get(1).data();
                for (int i = 0; i < mean.length; i++) {
                    mean[i] = (float) (factor * rnd.nextGaussian());
                    var[i] = (float) (factor * (0.2 + rnd.nextDouble()));
                }
                list.set(2, new WeightBlob(list.get(2).shape(), new float[] {factor}, false));
            }
            blobs.add(new LayerBlobs(e.getKey(), type, list));
        }
        if (blobs.isEmpty()) {
            return null;
        }
        CaffeFiles.writeNet(file, CaffeWeights.toNet(cfg.name(), blobs));
        return file;
    }

    /** A seeded random input of the given shape, uniform in [−1, 1). */
    static Npy.Array randomInput(long seed, int... shape) {
        Random rnd = new Random(seed);
        int count = 1;
        for (int d : shape) {
            count *= d;
        }
        float[] data = new float[count];
        for (int i = 0; i < count; i++) {
            data[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        return new Npy.Array(shape, data);
    }

}
