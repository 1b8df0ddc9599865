package org.graft.layers;

import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;

/**
 * A three-int device buffer in which a kernel records the first label it found outside [0, classes)
 * (and not the ignore_label): {flag, raw float bits of the label, position}. Kernels skip such labels
 * instead of reading out of bounds; the layer reports them later, when the host reads results anyway,
 * so checking costs one tiny read and no extra synchronisation during a pass.
 */
public final class LabelErrorFlag implements AutoCloseable {
    private final Engine engine;
    private final ClBuffer buffer;

    public LabelErrorFlag(Engine engine, String label) {
        this.engine = engine;
        this.buffer = engine.cl().createBuffer(3 * 4L, label);
        engine.cl().zero(buffer);
    }

    public ClBuffer buffer() {
        return buffer;
    }

    /**
     * Throws if a kernel recorded a bad label since the last check (the flag is then cleared so the
     * layer can be used again with correct labels).
     */
    public void check(Layer layer, int classes, int axis, int inner) {
        int[] v = new int[3];
        engine.cl().readInts(buffer, 0, v, 0, 3);
        if (v[0] == 0) {
            return;
        }
        engine.cl().zero(buffer);
        float label = Float.intBitsToFloat(v[1]);
        int position = v[2];
        String where = inner == 1 ? "sample " + position
                : "sample " + position / inner + ", spatial position " + position % inner;
        throw new LabelOutOfRangeException(String.format(
                "layer '%s' (%s): label %s at %s is outside [0, %d): bottom[0] has %d classes along axis %d"
                        + " (check the label file and the layer's num_output)",
                layer.name(), layer.type(), labelText(label), where, classes, classes, axis),
                layer.name(), labelText(label), position / inner, classes);
    }

    private static String labelText(float label) {
        return label == Math.rint(label) && Math.abs(label) < 1e9f ? Integer.toString((int) label) : Float.toString(label);
    }

    @Override
    public void close() {
        buffer.close();
    }
}
