package org.graft.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.caffe.WeightFiles;
import org.graft.caffe.WeightShapes;
import org.graft.layers.Phase;
import org.graft.net.config.BlobShape;
import org.graft.net.config.InputParam;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;
import org.graft.onnx.proto.Onnx.GraphProto;
import org.graft.onnx.proto.Onnx.ModelProto;
import org.graft.onnx.proto.Onnx.OperatorSetIdProto;
import org.graft.onnx.proto.Onnx.StringStringEntryProto;
import org.graft.onnx.proto.Onnx.TensorProto;
import org.graft.onnx.proto.Onnx.TensorShapeProto;
import org.graft.onnx.proto.Onnx.TypeProto;
import org.graft.onnx.proto.Onnx.ValueInfoProto;

/**
 * A net's TEST-phase graph with its weights as an ONNX model. Input layers, and the data layer (as an input
 * of its transformed images, see {@link Preprocessing}), become the graph's inputs, named after their blobs;
 * each other layer becomes the nodes its {@link LayerMappings} entry writes; loss and accuracy layers, which
 * need labels, are left out; the blobs no exported layer reads are the outputs, named after the blobs. The
 * batch dimension is symbolic ("N") unless a batch size is given.
 */
public final class OnnxExporter {
    public static final int DEFAULT_OPSET = 13;
    /** Opsets whose operators (as the mappings use them) mean the same; 21 is ONNX Runtime 1.20's newest. */
    public static final int MIN_OPSET = 13;
    public static final int MAX_OPSET = 21;
    static final String BATCH = "N";
    /** Protobuf messages stop at 2 GiB; the graph, names and attributes need a little besides the weights. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - (64L << 20);

    private OnnxExporter() {
    }

    /**
     * @param opset      ONNX opset, {@value #MIN_OPSET}..{@value #MAX_OPSET}
     * @param batch      a fixed batch size, or 0 for a dynamic batch
     * @param inputShape C, H, W of a data layer's images (after its crop), or null to read them from its source
     */
    public record Options(int opset, int batch, int[] inputShape) {
        public static Options defaults() {
            return new Options(DEFAULT_OPSET, 0, null);
        }
    }

    /**
     * An output: its ONNX name (the Caffe blob's), the blob, and the name {@code forward --blobs} gives the same
     * values (the blob's, or the last in-place layer's).
     */
    public record Output(String name, String blob, String graftName) {
    }

    public record Result(ModelProto model, List<String> inputs, List<Output> outputs, List<String> notes) {
    }

    /** The learned blobs of a weights file matched to a net ({@link WeightShapes#match}, {@link WeightFiles#forExport}), by layer name. */
    public static Map<String, List<WeightBlob>> byLayer(WeightShapes.Matched matched) {
        Map<String, List<WeightBlob>> out = new LinkedHashMap<>();
        for (CaffeWeights.LayerBlobs l : matched.layers()) {
            out.put(l.layerName(), l.blobs());
        }
        return out;
    }

    /** Exports {@code cfg} with the learned blobs {@code weights} (by layer name, in the shapes the layers use). */
    public static Result export(NetConfig cfg, Map<String, List<WeightBlob>> weights, Options o) {
        if (o.opset() < MIN_OPSET || o.opset() > MAX_OPSET) {
            throw new OnnxExportException("--opset " + o.opset() + " is not supported; Graft writes opsets " + MIN_OPSET
                    + " to " + MAX_OPSET);
        }
        if (o.batch() < 0) {
            throw new OnnxExportException("--batch must be a positive number or 'dynamic', got " + o.batch());
        }
        List<String> notes = new ArrayList<>();
        List<LayerConfig> test = cfg.layersFor(Phase.TEST);
        Preprocessing pre = null;
        Map<String, int[]> inputs = new LinkedHashMap<>();
        List<LayerConfig> layers = new ArrayList<>();
        for (LayerConfig l : test) {
            if (!l.type().isData()) {
                layers.add(l);
                continue;
            }
            if (l.type() == LayerType.INPUT) {
                List<BlobShape> shapes = new ArrayList<>();
                for (int t = 0; t < l.top().size(); t++) {
                    int[] s = withBatch(l.inputParam().shapeOf(t), o.batch());
                    inputs.put(l.top().get(t), s);
                    shapes.add(BlobShape.of(s));
                }
                layers.add(l.asInput(new InputParam(shapes)));
                continue;
            }
            if (pre != null) {
                throw OnnxExportException.of(l, "a second data layer in phase TEST; the export has one data input");
            }
            pre = Preprocessing.of(l);
            int[] chw = DataShapes.imageShape(l, o.inputShape());
            int batch = o.batch() > 0 ? o.batch() : 1;
            int[] data = {batch, chw[0], chw[1], chw[2]};
            inputs.put(l.top().get(0), data);
            List<BlobShape> shapes = new ArrayList<>(List.of(BlobShape.of(data)));
            if (l.top().size() > 1) {
                shapes.add(BlobShape.of(batch));
                notes.add("The labels '" + l.top().get(1) + "' of data layer '" + l.name() + "' are not part of the model");
            }
            layers.add(l.asInput(new InputParam(shapes)));
            notes.addAll(pre.notes(l));
        }
        if (o.inputShape() != null && pre == null) {
            throw new OnnxExportException("--input-shape gives the image shape of a data layer; net '" + cfg.name()
                    + "' has none in phase TEST (its Input layers declare their shapes)");
        }
        if (inputs.isEmpty()) {
            throw new OnnxExportException("net '" + cfg.name() + "' has no Input or data layer in phase TEST; an ONNX model needs an input");
        }
        NetConfig shaped = cfg.withLayers(layers);
        Map<String, int[]> shapes = WeightShapes.blobShapes(shaped, Phase.TEST);
        OnnxGraph g = new OnnxGraph(o.batch() == 0, shapes, weights);
        for (String in : inputs.keySet()) {
            g.input(in);
        }
        for (LayerConfig l : layers) {
            if (l.type().isData()) {
                continue;
            }
            if (l.type().isLoss() || l.type() == LayerType.ACCURACY) {
                notes.add("Left out " + l.type().jsonName() + " layer '" + l.name() + "' (it needs labels; the model ends before it)");
                continue;
            }
            if (l.type() == LayerType.DROPOUT) {
                notes.add("Dropout layer '" + l.name() + "' passes its input through at inference: no node");
            }
            LayerMappings.of(l).export(l, g);
        }
        List<Output> outputs = nameOutputs(g, inputs);
        if (outputs.isEmpty()) {
            throw new OnnxExportException("net '" + cfg.name() + "' has no output in phase TEST once its loss and accuracy layers are left out");
        }
        // An input no node reads (an Input layer's label top) would still have to be fed: it is left out.
        inputs.keySet().removeIf(in -> {
            boolean unread = !g.isConsumed(in);
            if (unread) {
                notes.add("Input '" + in + "' is read by no exported layer: not an input of the model");
            }
            return unread;
        });
        Map<String, int[]> outputShapes = new LinkedHashMap<>();
        for (Output out : outputs) {
            outputShapes.put(out.name(), shapes.get(out.blob()));
        }
        return new Result(model(cfg, o, g, inputs, outputShapes, pre), List.copyOf(inputs.keySet()), outputs, notes);
    }

    private static int[] withBatch(int[] shape, int batch) {
        int[] s = shape.clone();
        if (batch > 0 && s.length > 0) {
            s[0] = batch;
        }
        return s;
    }

    /**
     * The unread blobs are the outputs, each named after its blob. One rewritten in place ends in a tensor named
     * after its last layer: it takes the blob's name, and the blob's earlier value is renamed after the layer that
     * wrote it. A blob that is another name for a tensor already given out (Split's tops, an input passed
     * through by Dropout) gets its own tensor through an Identity node.
     */
    private static List<Output> nameOutputs(OnnxGraph g, Map<String, int[]> inputs) {
        List<Output> out = new ArrayList<>();
        java.util.Set<String> given = new java.util.HashSet<>();
        for (Map.Entry<String, String> e : g.unread().entrySet()) {
            String blob = e.getKey();
            String tensor = e.getValue();
            if (inputs.containsKey(blob) && tensor.equals(blob)) {
                continue;  // an input nothing reads (e.g. a second Input top left unused)
            }
            if (given.contains(tensor) || inputs.containsKey(tensor) && !tensor.equals(blob)) {
                String name = g.unique(g.isTaken(blob) ? blob + "/output" : blob);
                g.node(blob, "Identity", List.of(tensor), name);
                out.add(new Output(name, blob, blob));
                given.add(name);
            } else if (!tensor.equals(blob) && !inputs.containsKey(blob)) {
                if (g.isTaken(blob)) {
                    String writer = g.writerOf(blob);
                    g.rename(blob, g.unique(writer == null ? blob + "/before_" + tensor : writer + "/" + blob));
                }
                g.rename(tensor, blob);
                out.add(new Output(blob, blob, tensor));
                given.add(blob);
            } else {
                out.add(new Output(tensor, blob, tensor));
                given.add(tensor);
            }
        }
        return out;
    }

    /** ONNX IR version of the ONNX release that introduced each opset (13: IR 7, 15: IR 8, 19: IR 9, 21: IR 10). */
    static int irVersion(int opset) {
        return opset >= 21 ? 10 : opset >= 19 ? 9 : opset >= 15 ? 8 : 7;
    }

    private static ModelProto model(NetConfig cfg, Options o, OnnxGraph g, Map<String, int[]> inputs, Map<String, int[]> outputs,
                                    Preprocessing pre) {
        long bytes = 0;
        for (TensorProto t : g.initializers()) {
            bytes += t.getRawData().size() + 8L * t.getInt64DataCount();
        }
        if (bytes > MAX_BYTES) {
            throw new OnnxExportException("net '" + cfg.name() + "' has " + bytes / (1 << 20) + " MiB of weights; a single ONNX file"
                    + " holds less than 2 GiB (protobuf's limit) and Graft does not write ONNX external data");
        }
        GraphProto.Builder graph = GraphProto.newBuilder().setName(cfg.name()).addAllNode(g.nodes()).addAllInitializer(g.initializers());
        for (Map.Entry<String, int[]> in : inputs.entrySet()) {
            graph.addInput(value(in.getKey(), in.getValue(), o.batch() == 0));
        }
        for (Map.Entry<String, int[]> out : outputs.entrySet()) {
            graph.addOutput(value(out.getKey(), out.getValue(), o.batch() == 0));
        }
        String version = OnnxExporter.class.getPackage().getImplementationVersion();
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(irVersion(o.opset()))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(o.opset()))
                .setProducerName("Graft").setProducerVersion(version == null ? "dev" : version)
                .setGraph(graph);
        StringBuilder doc = new StringBuilder("Caffe net '" + cfg.name() + "' (TEST phase) exported by Graft.");
        if (pre != null) {
            for (Map.Entry<String, String> e : pre.metadata().entrySet()) {
                m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
            }
            doc.append(' ').append(pre.metadata().get(Preprocessing.KEY));
        }
        return m.setDocString(doc.toString()).build();
    }

    /** A float tensor's name and type; the batch (axis 0, as in every Caffe blob) symbolic when dynamic; -1: unknown. */
    private static ValueInfoProto value(String name, int[] shape, boolean dynamicBatch) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE);
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int a = 0; a < shape.length; a++) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            s.addDim(a == 0 && dynamicBatch ? d.setDimParam(BATCH) : shape[a] >= 0 ? d.setDimValue(shape[a]) : d);
        }
        t.setShape(s);
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }
}
