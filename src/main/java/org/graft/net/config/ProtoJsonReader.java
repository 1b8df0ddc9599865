package org.graft.net.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.graft.caffe.proto.Caffe;

/**
 * Reads a JSON object tree into a protobuf message field by field from the message's descriptor, so
 * caffe.proto is the one schema of a net.json: a key is a proto field name, a nested object a nested
 * message, a list a repeated field (a single value stands for a list of one, as in a prototxt), an enum
 * its value's name. What does not fit (an unknown key, a value of the wrong type, a number out of the
 * field's range) fails at once with the value's line, column and path. Every value read is remembered
 * by its path, so that checks on the finished message ({@link NetBinder}) can point into the file too.
 */
final class ProtoJsonReader {
    /** net.json's older name for NetParameter's V2 layer list (the proto's "layers" are V1 layers). */
    static final String LAYERS_ALIAS = "layers";

    private final Doc doc;
    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, Node.Member> keys = new HashMap<>();
    private String layersKey = NetBinder.LAYERS;

    private ProtoJsonReader(Doc doc) {
        this.doc = doc;
    }

    /** A message read from JSON and where each of its values was. */
    record Read<M extends Message>(M message, Locations locations) {
    }

    static Read<Caffe.NetParameter> readNet(Doc doc, Node root) {
        ProtoJsonReader r = new ProtoJsonReader(doc);
        Caffe.NetParameter.Builder b = Caffe.NetParameter.newBuilder();
        r.object(root, b, "the net");
        return new Read<>(b.build(), new Locations(doc, r.nodes, r.keys, r.layersKey));
    }

    private void object(Node node, Message.Builder b, String what) {
        if (node.kind != Node.Kind.OBJECT) {
            throw doc.error(node, "expected " + what + " to be an object { ... }, found " + node.describe());
        }
        nodes.put(node.path, node);
        Descriptor d = b.getDescriptorForType();
        for (Node.Member m : node.members.values()) {
            FieldDescriptor f = field(d, m.key());
            FieldDescriptor refused = d.findFieldByName(m.key());
            if (f == null && refused != null && unsupported(refused) != null) {
                throw doc.error(m.line(), m.column(), Node.child(node.path, m.key()), "\"" + m.key()
                        + "\" is a Caffe field Graft does not implement: " + unsupported(refused));
            }
            if (f == null) {
                List<String> known = knownFields(d);
                String close = Closest.to(m.key(), known);
                String hint = close == null ? "" : " (did you mean \"" + close + "\"?)";
                throw doc.error(m.line(), m.column(), Node.child(node.path, m.key()),
                        "unknown field \"" + m.key() + "\" in " + what + hint + "; known fields: " + String.join(", ", known));
            }
            if (d == Caffe.NetParameter.getDescriptor() && f.getNumber() == Caffe.NetParameter.LAYER_FIELD_NUMBER) {
                layersKey = m.key();
            }
            Node v = m.value();
            nodes.put(v.path, v);
            keys.put(v.path, m);
            if (f.isRepeated()) {
                if (v.kind != Node.Kind.ARRAY && !singleValueAllowed(f)) {
                    throw doc.error(v, "expected an array [ ... ], found " + v.describe());
                }
                List<Node> items = v.kind == Node.Kind.ARRAY ? v.items : List.of(v);
                for (Node item : items) {
                    nodes.put(item.path, item);
                    b.addRepeatedField(f, value(f, item, b));
                }
            } else {
                b.setField(f, value(f, v, b));
            }
        }
    }

    /**
     * Caffe's repeated spatial sizes (kernel_size, stride, pad, dilation) are written as one number for
     * both axes as often as a list, and a net has one test_iter; every other repeated field takes a list.
     */
    static boolean singleValueAllowed(FieldDescriptor f) {
        return f.getContainingType() == Caffe.ConvolutionParameter.getDescriptor()
                || f.getContainingType() == Caffe.SolverParameter.getDescriptor() && f.getName().equals("test_iter");
    }

    private static FieldDescriptor field(Descriptor d, String key) {
        if (d == Caffe.NetParameter.getDescriptor() && key.equals(LAYERS_ALIAS)) {
            return d.findFieldByNumber(Caffe.NetParameter.LAYER_FIELD_NUMBER);
        }
        FieldDescriptor f = d.findFieldByName(key);
        return f == null || unsupported(f) != null || deprecatedLayers(f) ? null : f;
    }

    private static boolean deprecatedLayers(FieldDescriptor f) {
        return f.getContainingType() == Caffe.NetParameter.getDescriptor() && f.getNumber() == Caffe.NetParameter.LAYERS_FIELD_NUMBER;
    }

    /** Why Graft refuses a Caffe field (caffe.proto's graft_unsupported), or null when it honours it. */
    static String unsupported(FieldDescriptor f) {
        return f.getOptions().hasExtension(Caffe.graftUnsupported) ? f.getOptions().getExtension(Caffe.graftUnsupported) : null;
    }

    /** Why Graft refuses a Caffe enum value, or null when it implements it. */
    static String unsupported(EnumValueDescriptor v) {
        return v.getOptions().hasExtension(Caffe.graftUnsupportedValue) ? v.getOptions().getExtension(Caffe.graftUnsupportedValue) : null;
    }

    /** The field names a net.json may use in this message, in caffe.proto's order. */
    static List<String> knownFields(Descriptor d) {
        List<String> out = new ArrayList<>();
        for (FieldDescriptor f : d.getFields()) {
            if (unsupported(f) == null && !deprecatedLayers(f)) {
                out.add(f.getName());
            }
        }
        return out;
    }

    private Object value(FieldDescriptor f, Node n, Message.Builder parent) {
        return switch (f.getJavaType()) {
            case MESSAGE -> {
                Message.Builder child = parent.newBuilderForField(f);
                object(n, child, describe(f));
                yield child.build();
            }
            case STRING -> doc.asString(n);
            case BOOLEAN -> doc.asBool(n);
            case FLOAT -> doc.asFloat(n);
            case DOUBLE -> doc.asDouble(n);
            case INT -> integer(f, n);
            case LONG -> doc.asLong(n);
            case ENUM -> enumValue(f, n);
            case BYTE_STRING -> throw doc.error(n, "a binary field cannot be given in a net.json");
        };
    }

    /** How messages name the object of field {@code f}, e.g. "a layer" or "convolution_param". */
    private static String describe(FieldDescriptor f) {
        String type = f.getMessageType().getName();
        return switch (type) {
            case "LayerParameter" -> "a layer";
            case "ParamSpec" -> "a param entry";
            case "NetStateRule" -> "an include/exclude rule";
            case "BlobShape" -> "a shape";
            case "SolverParameter" -> "the solver";
            default -> f.getName();
        };
    }

    /** int32 and uint32 fields: Java ints; a uint32 must be >= 0 (protobuf would wrap it around). */
    private int integer(FieldDescriptor f, Node n) {
        int v = doc.asInt(n);
        if (f.getType() == FieldDescriptor.Type.UINT32 && v < 0) {
            throw doc.error(n, "expected an integer >= 0, found " + v);
        }
        return v;
    }

    private EnumValueDescriptor enumValue(FieldDescriptor f, Node n) {
        List<EnumValueDescriptor> allowed = f.getEnumType().getValues().stream().filter(v -> unsupported(v) == null).toList();
        String names = allowed.stream().map(v -> "\"" + v.getName() + "\"").collect(Collectors.joining(", "));
        if (n.kind != Node.Kind.STRING) {
            throw doc.error(n, "expected one of " + names + ", found " + n.describe());
        }
        String s = (String) n.scalar;
        EnumValueDescriptor v = f.getEnumType().findValueByName(s);
        if (v != null && unsupported(v) == null) {
            return v;
        }
        String why = v == null ? "" : " (" + unsupported(v) + ")";
        String hint = "";
        for (EnumValueDescriptor a : allowed) {
            if (a.getName().equalsIgnoreCase(s)) {
                hint = " (names are case-sensitive: did you mean \"" + a.getName() + "\"?)";
            }
        }
        throw doc.error(n, "expected one of " + names + ", found " + Node.quote(s) + why + hint);
    }
}
