package org.graft.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.net.config.LayerConfig;
import org.graft.onnx.proto.Onnx.AttributeProto;
import org.graft.onnx.proto.Onnx.NodeProto;
import org.graft.onnx.proto.Onnx.TensorProto;

/**
 * The ONNX graph being written from a Caffe net, layer by layer: which ONNX tensor holds each Caffe blob
 * now, the nodes in order and the initializers (weights and constants). ONNX values are written once, so a
 * Caffe blob rewritten in place gets a new tensor for each writer: a layer's top is named after the blob
 * when the layer creates it and after the layer when it rewrites it in place (as {@code forward --blobs}
 * names them); {@link OnnxExporter} renames at the end so that the graph's outputs carry the blob names.
 */
final class OnnxGraph {
    private final boolean dynamicBatch;
    private final Map<String, int[]> shapes;
    private final Map<String, List<WeightBlob>> weights;
    private final Map<String, String> current = new LinkedHashMap<>();
    private final Set<String> taken = new HashSet<>();
    private final Set<String> consumed = new HashSet<>();
    /** Node names: a namespace of their own in ONNX. */
    private final Set<String> nodeNames = new HashSet<>();
    /** Caffe's available blobs: produced and not read since (in-place rewriting reads and produces again). */
    private final Set<String> available = new java.util.LinkedHashSet<>();
    /** The layer that wrote each tensor (for names of renamed tensors). */
    private final Map<String, String> writer = new HashMap<>();
    private final List<NodeProto.Builder> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();

    /**
     * @param shapes  every Caffe blob's shape (batch as configured; a dynamic batch never enters a constant)
     * @param weights the learned blobs by layer name, in the shapes the layers use
     */
    OnnxGraph(boolean dynamicBatch, Map<String, int[]> shapes, Map<String, List<WeightBlob>> weights) {
        this.dynamicBatch = dynamicBatch;
        this.shapes = shapes;
        this.weights = weights;
    }

    /** Whether the model's batch dimension is symbolic: no constant may then depend on it. */
    boolean dynamicBatch() {
        return dynamicBatch;
    }

    // ----------------------------------------------------------------------------- Caffe blobs

    /** Declares a graph input holding Caffe blob {@code blob}. */
    void input(String blob) {
        claim(blob);
        current.put(blob, blob);
        available.add(blob);
    }

    /** The tensor holding the layer's bottom {@code i} now. */
    String bottom(LayerConfig layer, int i) {
        String blob = layer.bottom().get(i);
        String t = current.get(blob);
        if (t == null) {
            throw OnnxExportException.of(layer, "its bottom '" + blob + "' is not produced by any earlier exported layer"
                    + " (a label blob? labels are not part of an exported model)");
        }
        consumed.add(t);
        available.remove(blob);
        return t;
    }

    /** The shape of the layer's bottom {@code i} (as configured; the batch may be dynamic in the model). */
    int[] bottomShape(LayerConfig layer, int i) {
        int[] s = shapes.get(layer.bottom().get(i));
        if (s == null) {
            throw OnnxExportException.of(layer, "the shape of its bottom '" + layer.bottom().get(i) + "' is not known");
        }
        for (int d : s) {
            if (d < 0) {
                throw OnnxExportException.of(layer, "the shape of its bottom '" + layer.bottom().get(i) + "' is not known"
                        + " without the data (give --input-shape)");
            }
        }
        return s.clone();
    }

    /** The shape of the layer's top {@code i}, as Graft works it out. */
    int[] topShape(LayerConfig layer, int i) {
        int[] s = shapes.get(layer.top().get(i));
        if (s == null) {
            throw OnnxExportException.of(layer, "the shape of its top '" + layer.top().get(i) + "' is not known");
        }
        return s.clone();
    }

    /**
     * A new tensor for the layer's top {@code i}: named after the blob when the layer creates it, after the
     * layer when it rewrites one of its bottoms in place.
     */
    String top(LayerConfig layer, int i) {
        String blob = layer.top().get(i);
        String name = unique(layer.bottom().contains(blob) ? layer.name() : blob);
        current.put(blob, name);
        available.add(blob);
        writer.put(name, layer.name());
        return name;
    }

    /** Top {@code i} of the layer is tensor {@code tensor} unchanged (Split, Dropout at inference): no node. */
    void alias(LayerConfig layer, int i, String tensor) {
        current.put(layer.top().get(i), tensor);
        available.add(layer.top().get(i));
    }

    /** A tensor for an intermediate result of the layer's decomposition, e.g. "norm1/squares". */
    String temp(LayerConfig layer, String what) {
        String name = unique(layer.name() + "/" + what);
        writer.put(name, layer.name());
        return name;
    }

    // -------------------------------------------------------------------------------- weights

    /** The layer's learned blob {@code i} (0 weights, 1 bias, ...). */
    WeightBlob weight(LayerConfig layer, int i) {
        List<WeightBlob> blobs = weights.get(layer.name());
        if (blobs == null || i >= blobs.size()) {
            throw OnnxExportException.of(layer, "the weights file has no blob " + i + " for it");
        }
        return blobs.get(i);
    }

    /** The layer's learned blob {@code i} as an initializer named "layer/what", in its own shape. */
    String weightInitializer(LayerConfig layer, int i, String what) {
        WeightBlob b = weight(layer, i);
        return floats(layer.name() + "/" + what, toLongs(b.shape()), b.data());
    }

    /** A float initializer. */
    String floats(String name, long[] dims, float[] data) {
        String n = unique(name);
        ByteBuffer buf = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        initializers.add(TensorProto.newBuilder().setName(n).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addAllDims(asList(dims)).setRawData(ByteString.copyFrom(buf.array())).build());
        return n;
    }

    /** A float scalar constant. */
    String scalar(String name, float value) {
        return floats(name, new long[0], new float[] {value});
    }

    /** A 1-D int64 constant (Reshape's shape, Slice's starts/ends/axes, ...). */
    String int64s(String name, long... values) {
        String n = unique(name);
        initializers.add(TensorProto.newBuilder().setName(n).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length).addAllInt64Data(asList(values)).build());
        return n;
    }

    // ---------------------------------------------------------------------------------- nodes

    /** Appends a node of the layer; inputs must be tensors already written (or "" for an absent optional one). */
    Node node(LayerConfig layer, String opType, List<String> inputs, String... outputs) {
        return node(layer.name(), opType, inputs, outputs);
    }

    /** A node named after {@code base} (made unique). */
    Node node(String base, String opType, List<String> inputs, String... outputs) {
        String name = base;
        for (int k = 2; !nodeNames.add(name); k++) {
            name = base + "/" + opType + (k == 2 ? "" : "_" + k);
        }
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(name).addAllInput(inputs).addAllOutput(List.of(outputs));
        for (String in : inputs) {
            consumed.add(in);
        }
        nodes.add(n);
        return new Node(n);
    }

    /** Adds attributes to a node just appended. */
    static final class Node {
        private final NodeProto.Builder node;

        private Node(NodeProto.Builder node) {
            this.node = node;
        }

        Node i(String name, long value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value));
            return this;
        }

        Node f(String name, float value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value));
            return this;
        }

        Node ints(String name, long... values) {
            node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS)
                    .addAllInts(asList(values)));
            return this;
        }
    }

    // ------------------------------------------------------------------------------ finishing

    /**
     * The net's outputs as Caffe finds them: the blobs produced and not read since (a blob rewritten in place
     * counts once, as its last writer left it), in the order they became available, with their tensors.
     */
    Map<String, String> unread() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String blob : available) {
            out.put(blob, current.get(blob));
        }
        return out;
    }

    /** Renames a tensor everywhere it appears (outputs take their blob's name at the end). */
    void rename(String from, String to) {
        for (NodeProto.Builder n : nodes) {
            for (int k = 0; k < n.getInputCount(); k++) {
                if (n.getInput(k).equals(from)) {
                    n.setInput(k, to);
                }
            }
            for (int k = 0; k < n.getOutputCount(); k++) {
                if (n.getOutput(k).equals(from)) {
                    n.setOutput(k, to);
                }
            }
        }
        current.replaceAll((blob, t) -> t.equals(from) ? to : t);
        taken.add(to);
    }

    /** Whether some node reads the tensor. */
    boolean isConsumed(String tensor) {
        return consumed.contains(tensor);
    }

    boolean isTaken(String name) {
        return taken.contains(name);
    }

    String writerOf(String tensor) {
        return writer.get(tensor);
    }

    /** A free tensor name based on {@code base}. */
    String unique(String base) {
        String n = base;
        for (int k = 2; taken.contains(n); k++) {
            n = base + "_" + k;
        }
        taken.add(n);
        return n;
    }

    private void claim(String name) {
        if (!taken.add(name)) {
            throw new IllegalStateException("tensor name '" + name + "' used twice");
        }
    }

    List<NodeProto> nodes() {
        return nodes.stream().map(NodeProto.Builder::build).toList();
    }

    List<TensorProto> initializers() {
        return List.copyOf(initializers);
    }

    static long[] toLongs(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static List<Long> asList(long[] v) {
        List<Long> out = new ArrayList<>(v.length);
        for (long x : v) {
            out.add(x);
        }
        return out;
    }
}
