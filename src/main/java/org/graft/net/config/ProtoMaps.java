package org.graft.net.config;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A caffe.proto message as the plain maps and lists net.json is written from, read off the message's
 * descriptor: field names as keys, enum values by name. Settings that bind themselves
 * ({@link org.graft.layers.LayerSettings}) are printed this way, so no layer writes its fields out twice.
 */
public final class ProtoMaps {
    private ProtoMaps() {
    }

    /** The fields set in {@code m} (repeated ones when non-empty), in field order: what a net.json says. */
    public static Map<String, Object> written(Message m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            out.put(e.getKey().getName(), value(e.getKey(), e.getValue(), false));
        }
        return out;
    }

    /**
     * Every scalar field of {@code m} with its value or caffe.proto's default, and the set messages: what
     * another framework needs. A scalar that is not set and has no default in caffe.proto (an ignore_label,
     * a kernel_size given as kernel_h and kernel_w) is null, not the 0 protobuf would report.
     */
    public static Map<String, Object> complete(Message m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
            boolean message = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
            if (!f.isRepeated() && !message && !m.hasField(f) && !f.hasDefaultValue()) {
                out.put(f.getName(), null);
            } else if (f.isRepeated() ? m.getRepeatedFieldCount(f) > 0 || !message : !message || m.hasField(f)) {
                out.put(f.getName(), value(f, m.getField(f), true));
            }
        }
        return out;
    }

    private static Object value(FieldDescriptor f, Object v, boolean complete) {
        if (f.isRepeated()) {
            if (!complete && ((List<?>) v).size() == 1 && ProtoJsonReader.singleValueAllowed(f)) {
                return single(((List<?>) v).get(0), false);  // net.json's shorthand, as written by hand: "kernel_size": 3
            }
            List<Object> items = new ArrayList<>();
            for (Object item : (List<?>) v) {
                items.add(single(item, complete));
            }
            return items;
        }
        return single(v, complete);
    }

    private static Object single(Object v, boolean complete) {
        if (v instanceof Message m) {
            return complete ? complete(m) : written(m);
        }
        if (v instanceof EnumValueDescriptor e) {
            return e.getName();
        }
        return v;
    }
}
