package org.graft.caffe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graft.caffe.proto.Caffe.BlobProto;
import org.graft.caffe.proto.Caffe.BlobShape;
import org.graft.caffe.proto.Caffe.LayerParameter;
import org.graft.caffe.proto.Caffe.NetParameter;

/**
 * The learned blobs of a Caffe net (weights, biases), per layer name, and back.
 * <p>
 * Weights live in three places by vintage ({@code layer.blobs}, {@code layers.blobs},
 * {@code layers.layer.blobs}); nets are upgraded first, so all three are read the same way. Shapes come
 * from {@code BlobProto.shape}, or from the legacy num/channels/height/width taken literally as 4-D, as
 * Caffe's {@code Blob::FromProto} does; {@link #conform} then reconciles a legacy shape with the shape a
 * layer expects the way Caffe's {@code ShapeEquals} does.
 */
public final class CaffeWeights {
    private CaffeWeights() {
    }

    /**
     * One learned blob: its shape, its values (row-major) and whether the shape is a legacy 4-D one
     * (num, channels, height, width), which may carry leading 1s the layer does not expect.
     */
    public record WeightBlob(int[] shape, float[] data, boolean legacyShape) {
        public int count() {
            return data.length;
        }

        @Override
        public String toString() {
            return describe(shape) + (legacyShape ? " (legacy 4-D)" : "");
        }
    }

    /** A layer's name, V2 type and learned blobs, in Caffe's order (weights, then bias). */
    public record LayerBlobs(String layerName, String layerType, List<WeightBlob> blobs) {
    }

    // ------------------------------------------------------------------------------------- reading

    /** The layers that hold blobs, in file order, from a net of any vintage. */
    public static List<LayerBlobs> layers(NetParameter net, String source) {
        NetParameter v2 = NetUpgrader.upgrade(net, source);
        List<LayerBlobs> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (LayerParameter layer : v2.getLayerList()) {
            if (layer.getBlobsCount() == 0) {
                continue;
            }
            if (!seen.add(layer.getName())) {
                // Caffe would silently keep the later copy; which one the user meant is not knowable.
                throw new CaffeFormatException(source + ": layer '" + layer.getName() + "' has learned blobs twice;"
                        + " the weights are ambiguous (rename or remove one of the two layers)");
            }
            List<WeightBlob> blobs = new ArrayList<>();
            for (int i = 0; i < layer.getBlobsCount(); i++) {
                blobs.add(decode(layer.getBlobs(i), source + ": layer '" + layer.getName() + "' blob " + i));
            }
            out.add(new LayerBlobs(layer.getName(), layer.getType(), List.copyOf(blobs)));
        }
        return out;
    }

    /**
     * Learned blobs by layer name (file order; layers without blobs are absent). A name with blobs twice
     * is refused (see {@link #layers}), where Caffe's {@code CopyTrainedLayersFrom} keeps the later one.
     */
    public static Map<String, List<WeightBlob>> byLayer(NetParameter net, String source) {
        Map<String, List<WeightBlob>> out = new LinkedHashMap<>();
        for (LayerBlobs l : layers(net, source)) {
            out.put(l.layerName(), l.blobs());
        }
        return out;
    }

    public static Map<String, List<WeightBlob>> byLayer(NetParameter net) {
        return byLayer(net, "net '" + net.getName() + "'");
    }

    /** Decodes one blob; {@code what} (e.g. "model.caffemodel: layer 'ip1' blob 0") prefixes errors. */
    public static WeightBlob decode(BlobProto blob, String what) {
        boolean legacy = blob.hasNum() || blob.hasChannels() || blob.hasHeight() || blob.hasWidth();
        int[] shape;
        if (legacy) {
            shape = new int[] {blob.getNum(), blob.getChannels(), blob.getHeight(), blob.getWidth()};
        } else {
            shape = new int[blob.getShape().getDimCount()];
            for (int i = 0; i < shape.length; i++) {
                long d = blob.getShape().getDim(i);
                if (d < 0 || d > Integer.MAX_VALUE) {
                    throw new CaffeFormatException(what + ": dimension " + i + " is " + d + ", expected 0.." + Integer.MAX_VALUE);
                }
                shape[i] = (int) d;
            }
        }
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new CaffeFormatException(what + ": negative dimension in shape " + describe(shape));
            }
            count *= d;
            if (count > Integer.MAX_VALUE - 8) {
                throw new CaffeFormatException(what + ": shape " + describe(shape) + " holds more values than a Java array can");
            }
        }
        float[] data;
        if (blob.getDoubleDataCount() > 0) {
            requireCount(what, shape, count, blob.getDoubleDataCount(), "double_data");
            data = new float[(int) count];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) blob.getDoubleData(i);
            }
        } else {
            requireCount(what, shape, count, blob.getDataCount(), "data");
            data = new float[(int) count];
            for (int i = 0; i < data.length; i++) {
                data[i] = blob.getData(i);
            }
        }
        return new WeightBlob(shape, data, legacy);
    }

    private static void requireCount(String what, int[] shape, long count, int found, String field) {
        if (found != count) {
            throw new CaffeFormatException(what + ": shape " + describe(shape) + " needs " + count + " values, found "
                    + found + " in '" + field + "'");
        }
    }

    // -------------------------------------------------------------------------------- reconciling

    /**
     * Caffe's {@code ShapeEquals}: a legacy 4-D shape matches an expected shape of at most 4 axes when they
     * agree aligned from the end, missing leading axes counting as 1 (an old inner-product weight 1×1×N×K
     * is (N, K), an old bias 1×1×1×N is (N)); a current shape must match exactly.
     */
    public static boolean shapeEquals(WeightBlob blob, int[] expected) {
        if (!blob.legacyShape()) {
            return Arrays.equals(blob.shape(), expected);
        }
        if (expected.length > 4) {
            return false;
        }
        int[] s = blob.shape();
        for (int k = 1; k <= 4; k++) {
            int want = expected.length - k >= 0 ? expected[expected.length - k] : 1;
            if (s[4 - k] != want) {
                return false;
            }
        }
        return true;
    }

    /**
     * The blob with the expected shape, or a {@link CaffeFormatException} worded like Caffe's
     * ("rename the layer" to learn it from scratch instead).
     */
    public static WeightBlob conform(WeightBlob blob, int[] expected, String layerName, int blobIndex) {
        if (!shapeEquals(blob, expected)) {
            long want = 1;
            for (int d : expected) {
                want *= d;
            }
            throw new CaffeFormatException("cannot copy blob " + blobIndex + " of layer '" + layerName + "': shape mismatch, the weights have "
                    + blob + " (" + blob.count() + " values), the layer expects " + describe(expected) + " (" + want
                    + " values). To learn this layer's parameters from scratch rather than copying them, rename the layer.");
        }
        return blob.legacyShape() ? new WeightBlob(expected.clone(), blob.data(), false) : blob;
    }

    // ------------------------------------------------------------------------------------- writing

    /** A current-form blob: {@code shape} plus packed float {@code data}, as Caffe's {@code ToProto} writes it. */
    public static BlobProto encode(int[] shape, float[] data) {
        long count = 1;
        BlobShape.Builder s = BlobShape.newBuilder();
        for (int d : shape) {
            s.addDim(d);
            count *= d;
        }
        if (count != data.length) {
            throw new IllegalArgumentException("blob of shape " + describe(shape) + " needs " + count + " values, got " + data.length);
        }
        BlobProto.Builder b = BlobProto.newBuilder().setShape(s);
        for (float v : data) {
            b.addData(v);
        }
        return b.build();
    }

    /** A V2 net holding only layer names, types and blobs: what a snapshot or weight export needs. */
    public static NetParameter toNet(String netName, List<LayerBlobs> layers) {
        NetParameter.Builder net = NetParameter.newBuilder();
        if (netName != null) {
            net.setName(netName);
        }
        for (LayerBlobs l : layers) {
            LayerParameter.Builder layer = net.addLayerBuilder().setName(l.layerName()).setType(l.layerType());
            for (WeightBlob blob : l.blobs()) {
                layer.addBlobs(encode(blob.shape(), blob.data()));
            }
        }
        return net.build();
    }

    static String describe(int[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return sb.append(']').toString();
    }
}
