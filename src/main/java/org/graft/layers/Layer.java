package org.graft.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.graft.engine.Blob;
import org.graft.engine.Engine;

/**
 * A layer in Caffe's sense. Conventions (as Caffe's):
 * <ul>
 * <li>{@link #setUp} checks the bottom shapes, allocates parameters on the first call and returns the
 * top shapes; it is called again whenever the bottom shapes change (e.g. another batch size).</li>
 * <li>{@link #forward} writes the tops; {@link #backward} reads the tops' diffs, <b>overwrites</b> the
 * bottoms' diffs (where propagateDown is set) and <b>adds</b> to the parameters' diffs, which the
 * solver zeroes before each iteration.</li>
 * <li>Everything stays on the device; a layer never reads a blob back to the host during a pass.</li>
 * </ul>
 * Each layer type has one kernel file in {@code kernels/} and one package {@code org.graft.ops.<op>}
 * holding the layer, its plain-Java reference and its check case (reference comparison plus a
 * finite-difference gradient check), which {@code selftest} and the tests run.
 */
public abstract class Layer implements AutoCloseable {
    protected final String name;
    protected Engine engine;
    protected final List<Param> params = new ArrayList<>();
    /** True when {@link #params} are another layer's (Caffe's TEST net shares the TRAIN net's); that layer closes them. */
    private boolean sharedParams;

    protected Layer(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Caffe's V2 type name, e.g. "Convolution". */
    public abstract String type();

    public abstract List<int[]> setUp(Engine engine, List<int[]> bottomShapes);

    public abstract void forward(List<Blob> bottom, List<Blob> top, Pass pass);

    public abstract void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass);

    public List<Param> params() {
        return params;
    }

    /** The settings this layer was made from, for {@code time --json}; null for layers kept in the older shape. */
    public LayerSettings settings() {
        return null;
    }

    /**
     * The top and learnable-blob shapes for these bottom shapes, without a device; dimensions not known
     * yet (-1) propagate. Layers with {@link LayerSettings} implement it and build {@link #setUp} on it, so
     * that the config-only shape inference (matching a weights file to a net) and the device agree.
     */
    public LayerShapes shapes(List<int[]> bottomShapes) {
        throw new UnsupportedOperationException(type() + " layers do not infer their shapes without a device");
    }

    /**
     * Makes this layer use {@code source}'s parameter blobs instead of allocating its own, as Caffe's TEST
     * net shares the TRAIN net's: one copy on the device, always the current weights. Call before the
     * first {@link #setUp}, which then checks the shapes; the blobs stay {@code source}'s to close.
     */
    public final void shareParams(Layer source) {
        if (!params.isEmpty()) {
            throw new IllegalStateException("layer '" + name + "' already has its own parameters");
        }
        if (!source.type().equals(type())) {
            throw new IllegalArgumentException("layer '" + name + "' (" + type() + ") cannot share the parameters of layer '"
                    + source.name() + "' (" + source.type() + ")");
        }
        if (source.params().isEmpty()) {
            return;
        }
        params.addAll(source.params());
        sharedParams = true;
        adoptParams();
    }

    /** Whether this layer's parameters are another layer's ({@link #shareParams}). */
    public boolean sharesParams() {
        return sharedParams;
    }

    /** Called when parameters were shared into {@link #params}: layers keeping them in fields pick them up. */
    protected void adoptParams() {
    }

    /** Number of bottoms this layer takes (checked by the net); -1 for "any". */
    public int exactBottoms() {
        return 1;
    }

    public int exactTops() {
        return 1;
    }

    /** True if top[0] may be the same blob as bottom[0] (ReLU, Dropout). */
    public boolean allowsInPlace() {
        return false;
    }

    /**
     * The bottom whose buffers top {@code top} shares with another shape (Caffe's ShareData/ShareDiff, as
     * Flatten and Reshape do), or -1: the net and the rig then make that top a {@link Blob#view} of the bottom,
     * and the layer's forward and backward copy nothing when they find the buffers shared.
     */
    public int viewedBottom(int top) {
        return -1;
    }

    /**
     * The layer whose forward pass computes this one's outputs (a fused ReLU or LRN, as the net decides in
     * {@code org.graft.net.LayerFusion}), or null when this layer computes them itself.
     */
    public String fusedInto() {
        return null;
    }

    /** True for layers that produce a loss in top[0] (the net seeds its diff with the loss weight). */
    public boolean isLoss() {
        return false;
    }

    /**
     * Whether force_backward may make this layer compute bottom {@code i}'s gradient (Caffe's
     * AllowForceBackward): not for labels, nor for layers that have no gradient.
     */
    public boolean allowForceBackward(int bottom) {
        return true;
    }

    /** Floating-point operations of one forward pass, for the benchmark's GFLOP/s (0 if negligible). */
    public long forwardFlops() {
        return 0;
    }

    /** Floating-point operations of one backward pass (all gradients), for the benchmark's GFLOP/s. */
    public long backwardFlops() {
        return 2 * forwardFlops();
    }

    protected IllegalArgumentException shapeError(String what, int[] shape) {
        return new IllegalArgumentException("layer '" + name + "' (" + type() + "): " + what + ", got bottom shape " + Arrays.toString(shape));
    }

    protected Blob newParam(String suffix, int... shape) {
        Blob b = new Blob(engine, name + "." + suffix, shape);
        return b;
    }

    @Override
    public void close() {
        if (sharedParams) {
            return;
        }
        for (Param p : params) {
            p.blob().close();
        }
    }
}
