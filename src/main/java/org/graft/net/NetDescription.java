package org.graft.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.google.protobuf.Message;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.net.config.ProtoMaps;
import org.graft.layers.Layer;
import org.graft.layers.Param;

/**
 * The network exactly as Graft built it, as plain maps and lists for a JSON writer: inputs with their
 * shapes, then every layer in execution order (implicit Splits included, in-place blobs under their
 * shared name) with its bottoms, tops, top shapes, parameters and the settings another framework needs
 * to build the same computation. Keys use Caffe's field names.
 */
public final class NetDescription {
    private NetDescription() {
    }

    public static Map<String, Object> of(Net net) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", net.name());
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (String in : net.inputNames()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", in);
            m.put("shape", shape(net.blob(in)));
            inputs.add(m);
        }
        out.put("inputs", inputs);
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int i = 0; i < net.entries().size(); i++) {
            layers.add(layer(net, i));
        }
        out.put("layers", layers);
        return out;
    }

    private static Map<String, Object> layer(Net net, int i) {
        Net.Entry en = net.entries().get(i);
        Layer l = en.layer();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", l.name());
        m.put("type", l.type());
        m.put("bottoms", en.bottoms());
        m.put("tops", en.tops());
        List<int[]> topShapes = new ArrayList<>();
        for (Blob b : net.tops(i)) {
            topShapes.add(shape(b));
        }
        m.put("top_shapes", topShapes);
        m.put("needs_backward", net.needsBackward(i));
        m.put("propagate_down", net.propagateDown(i));
        m.put("is_loss", l.isLoss());
        m.put("loss_weights", en.lossWeights());
        List<Map<String, Object>> params = new ArrayList<>();
        for (Param p : l.params()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.name());
            pm.put("shape", shape(p.blob()));
            pm.put("lr_mult", p.lrMult());
            pm.put("decay_mult", p.decayMult());
            params.add(pm);
        }
        m.put("params", params);
        m.put("forward_flops", l.forwardFlops());
        m.put("backward_flops", l.backwardFlops());
        if (l.settings() != null) {
            // Layers with LayerSettings print every field of their typed message(s), defaults included.
            Caffe.LayerParameter.Builder typed = Caffe.LayerParameter.newBuilder();
            l.settings().writeTo(typed);
            typed.getAllFields().forEach((f, v) -> m.put(f.getName(), ProtoMaps.complete((Message) v)));
        }
        return m;
    }

    private static int[] shape(Blob b) {
        return Arrays.copyOf(b.shape(), b.numAxes());
    }
}
