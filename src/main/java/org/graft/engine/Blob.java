package org.graft.engine;

import java.util.Arrays;
import org.graft.opencl.ClBuffer;

/**
 * A tensor on the device, as Caffe's Blob: a shape (N×C×H×W or shorter), a data buffer and a
 * gradient ("diff") buffer allocated on first use. Data stays on the device; up/download are explicit.
 * A {@link #view} has its own shape but another blob's buffers (Caffe's ShareData and ShareDiff, as
 * Flatten and Reshape use them): no copy and no memory of its own.
 */
public final class Blob implements AutoCloseable {
    private final Engine engine;
    private final String name;
    private int[] shape;
    private ClBuffer data;
    private ClBuffer diff;
    private long capacity; // floats allocated; reshaping within capacity keeps the buffers
    private final Blob source; // non-null for a view: the blob whose buffers these are

    public Blob(Engine engine, String name, int... shape) {
        this(engine, name, null, shape);
    }

    private Blob(Engine engine, String name, Blob source, int[] shape) {
        this.engine = engine;
        this.name = name;
        this.source = source;
        reshape(shape);
    }

    /**
     * A blob named {@code name} whose data and diff are {@code source}'s buffers, with its own shape of the same
     * count (initially {@code source}'s shape). It follows {@code source} when that one is reallocated; closing it
     * closes nothing.
     */
    public static Blob view(String name, Blob source) {
        return new Blob(source.engine, name, source, source.shape);
    }

    /** Whether this blob and {@code other} hold the same buffers (one is a view of the other, or both of a third). */
    public boolean sharesBuffersWith(Blob other) {
        return root() == other.root();
    }

    private Blob root() {
        return source == null ? this : source.root();
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int shape(int axis) {
        return shape[axis];
    }

    public int numAxes() {
        return shape.length;
    }

    public int count() {
        return count(shape);
    }

    /** Product of dims from {@code start} (inclusive) to the end. */
    public int count(int start) {
        return Shapes.count(Arrays.copyOfRange(shape, start, shape.length), "blob '" + name + "'");
    }

    public static int count(int[] shape) {
        return Shapes.count(shape, "shape");
    }

    /** Changes the shape; buffers are reallocated only when the new shape needs more room. */
    public void reshape(int... newShape) {
        int n = Shapes.count(newShape, "blob '" + name + "'");
        if (source != null && n != source.count()) {
            throw new IllegalArgumentException("blob '" + name + "' views blob '" + source.name + "' of shape "
                    + Arrays.toString(source.shape) + " and cannot take shape " + Arrays.toString(newShape) + " of another count");
        }
        this.shape = newShape.clone();
        if (source == null && n > capacity) {
            closeBuffers();
            capacity = n;
        }
    }

    public ClBuffer data() {
        if (source != null) {
            return source.data();
        }
        if (data == null) {
            data = engine.alloc(capacity, name + ".data");
        }
        return data;
    }

    public ClBuffer diff() {
        if (source != null) {
            return source.diff();
        }
        if (diff == null) {
            diff = engine.alloc(capacity, name + ".diff");
            // Zero like Caffe's fresh memory: a Split sums the diffs of all its tops, including those of
            // consumers that never run backward (e.g. Accuracy in TRAIN), which must read as 0, not garbage.
            engine.cl().zero(diff);
        }
        return diff;
    }

    public boolean hasDiff() {
        return source != null ? source.hasDiff() : diff != null;
    }

    public void upload(float[] values) {
        checkLength(values.length);
        engine.cl().writeFloats(data(), 0, values, 0, values.length);
    }

    public void uploadDiff(float[] values) {
        checkLength(values.length);
        engine.cl().writeFloats(diff(), 0, values, 0, values.length);
    }

    public float[] download() {
        float[] out = new float[count()];
        engine.cl().readFloats(data(), 0, out, 0, out.length);
        return out;
    }

    public float[] downloadDiff() {
        float[] out = new float[count()];
        engine.cl().readFloats(diff(), 0, out, 0, out.length);
        return out;
    }

    public void zeroData() {
        engine.cl().zero(data(), 0, count() * 4L);
    }

    public void zeroDiff() {
        engine.cl().zero(diff(), 0, count() * 4L);
    }

    private void checkLength(int n) {
        if (n != count()) {
            throw new IllegalArgumentException("blob '" + name + "' has shape " + Arrays.toString(shape)
                    + " (" + count() + " values) but " + n + " values were given");
        }
    }

    public String shapeString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : "x").append(shape[i]);
        }
        return sb + " (" + count() + ")";
    }

    private void closeBuffers() {
        if (data != null) {
            data.close();
            data = null;
        }
        if (diff != null) {
            diff.close();
            diff = null;
        }
    }

    @Override
    public void close() {
        closeBuffers();
        capacity = 0;
    }

    @Override
    public String toString() {
        return "Blob[" + name + " " + shapeString() + "]";
    }
}
