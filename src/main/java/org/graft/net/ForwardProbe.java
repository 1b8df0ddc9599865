package org.graft.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.graft.engine.Blob;
import org.graft.layers.Pass;

/**
 * One forward pass that reads blobs back as the layer that produced them left them. In-place layers
 * overwrite their input (Caffe's {@code ip1} holds {@code relu1}'s output once the net has run), so a blob
 * read after the pass is not what its producer computed; here the net runs layer by layer and each
 * requested blob is downloaded right after its producing layer.
 * <p>
 * A requested name is, in this order: an input blob (read before the first layer); a top blob, captured
 * after the first layer that writes it other than in place; or a layer name, giving that layer's first top
 * right after the layer (so {@code relu1} gives the activations and {@code ip1} the values before them).
 */
public final class ForwardProbe {
    /** A captured blob: its shape and values (row-major). */
    public record Capture(int[] shape, float[] data) {
    }

    private ForwardProbe() {
    }

    /** Names are resolved against the net as declared ({@link Net#declaredEntries()}): the blob names the user sees. */
    public static Map<String, Capture> run(Net net, Collection<String> names, Pass pass) {
        Map<String, Integer> layerIndex = new HashMap<>();
        for (int i = 0; i < net.entries().size(); i++) {
            layerIndex.putIfAbsent(net.entries().get(i).layer().name(), i);
        }
        Map<String, int[]> producer = new HashMap<>();     // top blob -> {entry index, top index}
        Map<String, int[]> layerOutput = new HashMap<>();  // layer name -> {entry index, 0}
        for (Net.Entry en : net.declaredEntries()) {
            int i = layerIndex.get(en.layer().name());
            for (int t = 0; t < en.tops().size(); t++) {
                boolean inPlace = t < en.bottoms().size() && en.bottoms().get(t).equals(en.tops().get(t));
                if (!inPlace) {
                    producer.putIfAbsent(en.tops().get(t), new int[] {i, t});
                }
            }
            if (!en.tops().isEmpty()) {
                layerOutput.put(en.layer().name(), new int[] {i, 0});
            }
        }
        Set<String> inputs = new LinkedHashSet<>(net.inputNames());
        Map<Integer, List<Object[]>> due = new HashMap<>();  // entry index -> (name, top index)
        Map<String, Capture> out = new LinkedHashMap<>();
        for (String name : names) {
            int[] at = inputs.contains(name) ? null : producer.containsKey(name) ? producer.get(name) : layerOutput.get(name);
            if (inputs.contains(name)) {
                Blob b = net.blob(name);
                out.put(name, new Capture(b.shape(), b.download()));
            } else if (at == null) {
                Set<String> known = new LinkedHashSet<>(inputs);
                known.addAll(producer.keySet());
                known.addAll(layerOutput.keySet());
                throw new IllegalArgumentException("the net has no blob or layer named '" + name + "'; blobs and layers: "
                        + String.join(", ", known));
            } else {
                due.computeIfAbsent(at[0], k -> new ArrayList<>()).add(new Object[] {name, at[1]});
                out.put(name, null);  // keeps the requested order
            }
        }
        // A fused ReLU would already have overwritten its producer's output: run each layer on its own.
        net.fuse(false);
        try {
            for (int i = 0; i < net.entries().size(); i++) {
                net.entries().get(i).layer().forward(net.bottoms(i), net.tops(i), pass);
                for (Object[] d : due.getOrDefault(i, List.of())) {
                    Blob b = net.tops(i).get((Integer) d[1]);
                    out.put((String) d[0], new Capture(b.shape(), b.download()));
                }
            }
        } finally {
            net.fuse(true);
        }
        return out;
    }
}
