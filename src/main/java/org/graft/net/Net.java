package org.graft.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.ops.accuracy.AccuracyLayer;
import org.graft.layers.LabelledLayer;
import org.graft.layers.Layer;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.ops.split.SplitLayer;
import org.graft.net.config.Filler;

/**
 * A network for one phase: named input blobs (filled by the data feeder), layers in order, and the
 * blobs between them, all on one device. Mirrors Caffe's Net:
 * <ul>
 * <li>a blob consumed by several layers gets an implicit {@link SplitLayer} so gradients add up;</li>
 * <li>in-place layers (top name = bottom name) share the blob, and a layer's top that views a bottom
 * ({@link Layer#viewedBottom}: Flatten, Reshape) shares its buffers with another shape;</li>
 * <li>a layer runs backward only if it has a learnable parameter (lr_mult ≠ 0) or a bottom that needs a
 * gradient, and its output reaches a loss — so a frozen prefix runs forward only, as in Caffe;</li>
 * <li>loss layers' top diffs hold their loss weights, seeded once;</li>
 * <li>an in-place ReLU right after a Convolution or InnerProduct is computed by that layer, and with
 * GRAFT_FUSE=all MAX pooling followed by a cross-channel LRN runs as one kernel ({@link LayerFusion};
 * GRAFT_FUSE=off keeps every layer apart).</li>
 * </ul>
 */
public final class Net implements AutoCloseable {
    /**
     * One layer with the names of its bottoms and tops, optional loss weights (one per top), optional
     * per-parameter multipliers {lr_mult, decay_mult} (applied when the parameters are created), optional
     * propagate_down flags (one per bottom; empty = the net decides, as in Caffe) and optional fillers
     * (one per parameter blob; a missing one is Caffe's default, constant 0).
     */
    public record Entry(Layer layer, List<String> bottoms, List<String> tops, List<Float> lossWeights,
                        List<float[]> multipliers, List<Boolean> propagateDown, List<Filler> fillers) {
        public Entry {
            if (!propagateDown.isEmpty() && propagateDown.size() != bottoms.size()) {
                throw new IllegalArgumentException("layer '" + layer.name() + "': " + propagateDown.size()
                        + " propagate_down flags for " + bottoms.size() + " bottoms");
            }
            for (int b = 0; b < propagateDown.size(); b++) {
                if (propagateDown.get(b) && !layer.allowForceBackward(b)) {
                    throw new IllegalArgumentException("layer '" + layer.name() + "' (" + layer.type()
                            + "): propagate_down[" + b + "] is true, but bottom " + b + " has no gradient");
                }
            }
            propagateDown = List.copyOf(propagateDown);
            fillers = List.copyOf(fillers);
        }

        public Entry(Layer layer, List<String> bottoms, List<String> tops, List<Float> lossWeights,
                     List<float[]> multipliers, List<Boolean> propagateDown) {
            this(layer, bottoms, tops, lossWeights, multipliers, propagateDown, List.of());
        }

        public Entry(Layer layer, List<String> bottoms, List<String> tops, List<Float> lossWeights,
                     List<float[]> multipliers) {
            this(layer, bottoms, tops, lossWeights, multipliers, List.of());
        }

        public Entry(Layer layer, List<String> bottoms, List<String> tops, List<Float> lossWeights) {
            this(layer, bottoms, tops, lossWeights, List.of(), List.of());
        }

        public Entry(Layer layer, List<String> bottoms, List<String> tops) {
            this(layer, bottoms, tops, List.of(), List.of(), List.of());
        }
    }

    private final Engine engine;
    private final String name;
    private final Map<String, int[]> inputShapes;
    private final List<Entry> declared;
    private final List<Entry> entries;
    private final Map<String, Blob> blobs = new LinkedHashMap<>();
    private final List<List<Blob>> bottomBlobs = new ArrayList<>();
    private final List<List<Blob>> topBlobs = new ArrayList<>();
    private final List<boolean[]> propagateDown = new ArrayList<>();
    private final boolean[] needsBackward;
    private final List<float[]> lossWeights = new ArrayList<>();
    private final LayerFusion fusion;

    public Net(Engine engine, String name, Map<String, int[]> inputs, List<Entry> layers) {
        this(engine, name, inputs, layers, false);
    }

    /**
     * @param forceBackward Caffe's force_backward: every layer computes the gradients of all its bottoms; layers
     *                      are fused as GRAFT_FUSE says ({@link LayerFusion.Mode}, default on)
     */
    public Net(Engine engine, String name, Map<String, int[]> inputs, List<Entry> layers, boolean forceBackward) {
        this(engine, name, inputs, layers, forceBackward, LayerFusion.wanted());
    }

    /** @param fuse whether every pair {@link LayerFusion} knows is fused, on any device, or none */
    public Net(Engine engine, String name, Map<String, int[]> inputs, List<Entry> layers, boolean forceBackward, boolean fuse) {
        this(engine, name, inputs, layers, forceBackward, fuse ? LayerFusion.Mode.ALL : LayerFusion.Mode.OFF);
    }

    /** @param fuse which in-place ReLUs and LRNs after MAX pooling the layer before them computes ({@link LayerFusion}) */
    private Net(Engine engine, String name, Map<String, int[]> inputs, List<Entry> layers, boolean forceBackward, LayerFusion.Mode fuse) {
        this.engine = engine;
        this.name = name;
        this.inputShapes = new LinkedHashMap<>(inputs);
        this.declared = List.copyOf(layers);
        this.entries = insertSplits(inputs.keySet(), layers);
        for (Map.Entry<String, int[]> in : inputs.entrySet()) {
            blobs.put(in.getKey(), new Blob(engine, in.getKey(), in.getValue()));
        }
        for (Entry en : entries) {
            List<Blob> bs = new ArrayList<>();
            for (String b : en.bottoms()) {
                bs.add(blobs.get(b));
            }
            List<Blob> ts = new ArrayList<>();
            for (int i = 0; i < en.tops().size(); i++) {
                String t = en.tops().get(i);
                boolean inPlace = i < en.bottoms().size() && en.bottoms().get(i).equals(t);
                if (inPlace && !en.layer().allowsInPlace()) {
                    throw new IllegalArgumentException("layer '" + en.layer().name() + "' (" + en.layer().type()
                            + ") cannot compute in place: its top '" + t + "' must differ from its bottom");
                }
                Blob blob = blobs.get(t);
                int viewed = en.layer().viewedBottom(i);
                if (blob == null) {
                    blob = viewed >= 0 ? Blob.view(t, bs.get(viewed)) : new Blob(engine, t, 1);
                    blobs.put(t, blob);
                } else if (!inPlace) {
                    throw new IllegalArgumentException("layer '" + en.layer().name() + "' writes top '" + t
                            + "', which an earlier layer already produced; only in-place layers (top = bottom) may reuse a blob name");
                }
                ts.add(blob);
            }
            bottomBlobs.add(bs);
            topBlobs.add(ts);
        }
        reshape();
        for (Entry en : entries) {
            List<Param> ps = en.layer().params();
            for (int p = 0; p < ps.size() && p < en.multipliers().size(); p++) {
                ps.get(p).multipliers(en.multipliers().get(p)[0], en.multipliers().get(p)[1]);
            }
        }
        needsBackward = computeNeedsBackward(forceBackward);
        for (int i = 0; i < entries.size(); i++) {
            Entry en = entries.get(i);
            float[] w = new float[en.tops().size()];
            for (int t = 0; t < w.length; t++) {
                w[t] = t < en.lossWeights().size() ? en.lossWeights().get(t) : (en.layer().isLoss() && t == 0 ? 1f : 0f);
            }
            lossWeights.add(w);
        }
        seedLossDiffs();
        fusion = LayerFusion.decide(entries, bottomBlobs, topBlobs, lossWeights, fuse.kinds());
    }

    /** How many ReLUs the layers before them compute (see {@link LayerFusion}). */
    public int fusedRelus() {
        return fusion.pairs(LayerFusion.Kind.RELU).size();
    }

    /** How many LRNs the MAX pooling layers before them compute (see {@link LayerFusion}). */
    public int fusedPoolLrns() {
        return fusion.pairs(LayerFusion.Kind.POOL_LRN).size();
    }

    /** Runs every layer on its own ({@code false}) or fused again ({@code true}), e.g. to read pre-ReLU values. */
    void fuse(boolean on) {
        fusion.apply(on);
    }

    /** Re-runs every layer's setUp from the current input shapes (after {@link #reshapeInput}). */
    public void reshape() {
        for (int i = 0; i < entries.size(); i++) {
            Entry en = entries.get(i);
            Layer layer = en.layer();
            checkArity(en);
            List<int[]> shapes = new ArrayList<>();
            for (Blob b : bottomBlobs.get(i)) {
                shapes.add(b.shape());
            }
            List<int[]> out;
            try {
                out = layer.setUp(engine, shapes);
            } catch (IllegalArgumentException e) {
                String msg = e.getMessage();
                throw new IllegalArgumentException(msg != null && msg.contains("'" + layer.name() + "'") ? msg
                        : "layer '" + layer.name() + "' (" + layer.type() + "): " + msg, e);
            }
            List<Blob> ts = topBlobs.get(i);
            for (int t = 0; t < ts.size(); t++) {
                Blob tb = ts.get(t);
                if (t < en.bottoms().size() && en.bottoms().get(t).equals(en.tops().get(t))
                        && !Arrays.equals(tb.shape(), out.get(t))) {
                    throw new IllegalArgumentException("layer '" + layer.name() + "' is in place but changes the shape");
                }
                try {
                    tb.reshape(out.get(t));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("layer '" + layer.name() + "' (" + layer.type() + "): top '" + en.tops().get(t)
                            + "': " + e.getMessage(), e);
                }
            }
        }
        if (lossWeights.size() == entries.size()) {
            seedLossDiffs();
        }
    }

    public void reshapeInput(String input, int... shape) {
        Blob b = blobs.get(input);
        if (b == null || !inputShapes.containsKey(input)) {
            throw new IllegalArgumentException("net '" + name + "' has no input named '" + input + "'; inputs: " + inputShapes.keySet());
        }
        inputShapes.put(input, shape.clone());
        b.reshape(shape);
    }

    private void checkArity(Entry en) {
        Layer l = en.layer();
        if (l.exactBottoms() >= 0 && en.bottoms().size() != l.exactBottoms()) {
            throw new IllegalArgumentException("layer '" + l.name() + "' (" + l.type() + ") needs " + l.exactBottoms()
                    + " bottom(s), got " + en.bottoms().size() + " " + en.bottoms());
        }
        if (l.exactTops() >= 0 && en.tops().size() != l.exactTops()) {
            throw new IllegalArgumentException("layer '" + l.name() + "' (" + l.type() + ") needs " + l.exactTops()
                    + " top(s), got " + en.tops().size() + " " + en.tops());
        }
    }

    private void seedLossDiffs() {
        for (int i = 0; i < entries.size(); i++) {
            float[] w = lossWeights.get(i);
            for (int t = 0; t < w.length; t++) {
                if (w[t] != 0f) {
                    Blob top = topBlobs.get(i).get(t);
                    float[] d = new float[top.count()];
                    Arrays.fill(d, w[t]);
                    top.uploadDiff(d);
                }
            }
        }
    }

    /**
     * Which layers run backward and which bottoms get a gradient, as Caffe's Net::Init decides it:
     * forward, a layer needs backward if it has a learnable parameter or a bottom that needs a gradient,
     * and then so do its tops; a propagate_down flag overrides whether that bottom gets one. Backward, a
     * layer whose output reaches no loss, or all of whose tops are skipped by their consumers, runs no
     * backward. force_backward then makes every layer compute every bottom's gradient it allows.
     */
    private boolean[] computeNeedsBackward(boolean forceBackward) {
        int n = entries.size();
        boolean[] needs = new boolean[n];
        Set<Blob> blobNeeds = new HashSet<>();
        for (int i = 0; i < n; i++) {
            List<Blob> bottoms = bottomBlobs.get(i);
            List<Boolean> flags = entries.get(i).propagateDown();
            boolean need = false;
            for (Param p : entries.get(i).layer().params()) {
                need |= !p.frozen();
            }
            boolean[] pd = new boolean[bottoms.size()];
            for (int b = 0; b < pd.length; b++) {
                boolean blobNeed = blobNeeds.contains(bottoms.get(b));
                pd[b] = flags.isEmpty() ? blobNeed : flags.get(b);
                need |= blobNeed;
            }
            propagateDown.add(pd);
            needs[i] = need;
            if (need) {
                blobNeeds.addAll(topBlobs.get(i));
            }
        }
        // Only layers whose output reaches a loss need gradients (e.g. Accuracy never does), and a layer
        // none of whose consumers wants its gradient (propagate_down false) skips backward too.
        Set<Blob> reachesLoss = new HashSet<>();
        Set<Blob> skipped = new HashSet<>();
        for (int i = n - 1; i >= 0; i--) {
            boolean[] pd = propagateDown.get(i);
            boolean contributes = entries.get(i).layer().isLoss() || !entries.get(i).lossWeights().isEmpty();
            boolean allTopsSkipped = true;
            for (Blob t : topBlobs.get(i)) {
                contributes |= reachesLoss.contains(t);
                allTopsSkipped &= skipped.contains(t);
            }
            if (needs[i] && allTopsSkipped) {
                needs[i] = false;
                Arrays.fill(pd, false);
            }
            if (!contributes) {
                needs[i] = false;
            }
            for (int b = 0; b < pd.length; b++) {
                Blob bottom = bottomBlobs.get(i).get(b);
                if (contributes) {
                    reachesLoss.add(bottom);
                } else {
                    pd[b] = false;
                }
                if (!pd[b]) {
                    skipped.add(bottom);
                }
            }
        }
        if (forceBackward) {
            for (int i = 0; i < n; i++) {
                needs[i] = true;
                boolean[] pd = propagateDown.get(i);
                for (int b = 0; b < pd.length; b++) {
                    pd[b] |= entries.get(i).layer().allowForceBackward(b);
                }
            }
        }
        return needs;
    }

    public void forward(Pass pass) {
        for (int i = 0; i < entries.size(); i++) {
            entries.get(i).layer().forward(bottomBlobs.get(i), topBlobs.get(i), pass);
        }
    }

    /** Forward through layers [0, end] only (used by feature extraction and tests). */
    public void forwardTo(int end, Pass pass) {
        for (int i = 0; i <= end && i < entries.size(); i++) {
            entries.get(i).layer().forward(bottomBlobs.get(i), topBlobs.get(i), pass);
        }
    }

    public void backward(Pass pass) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (needsBackward[i]) {
                entries.get(i).layer().backward(topBlobs.get(i), bottomBlobs.get(i), propagateDown.get(i), pass);
            }
        }
    }

    /**
     * Throws {@link org.graft.layers.LabelOutOfRangeException} if a pass since the last check met a label
     * outside its layer's classes; one tiny read per labelled layer, done when results are read anyway.
     */
    public void checkLabels() {
        for (Entry e : entries) {
            if (e.layer() instanceof LabelledLayer l) {
                l.checkLabels();
            }
        }
    }

    /** The loss and accuracy layers that read {@code blobName} as their labels, through implicit splits. */
    public List<LabelledLayer> labelReaders(String blobName) {
        Set<String> names = new HashSet<>(List.of(blobName));
        List<LabelledLayer> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.layer() instanceof SplitLayer && names.contains(e.bottoms().get(0))) {
                names.addAll(e.tops());
            } else if (e.layer() instanceof LabelledLayer l && e.bottoms().size() > 1 && names.contains(e.bottoms().get(1))) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * The weighted sum of the loss tops; reads them back from the device (one small read per loss), and
     * checks the labels of the pass (see {@link #checkLabels()}).
     */
    public double loss() {
        double sum = 0;
        for (int i = 0; i < entries.size(); i++) {
            float[] w = lossWeights.get(i);
            for (int t = 0; t < w.length; t++) {
                if (w[t] != 0f) {
                    float[] v = topBlobs.get(i).get(t).download();
                    for (float x : v) {
                        sum += (double) w[t] * x;
                    }
                }
            }
        }
        checkLabels();
        return sum;
    }

    public Engine engine() {
        return engine;
    }

    public String name() {
        return name;
    }

    public Blob blob(String blobName) {
        Blob b = blobs.get(blobName);
        if (b == null) {
            throw new IllegalArgumentException("net '" + name + "' has no blob '" + blobName + "'; blobs: " + blobs.keySet());
        }
        return b;
    }

    public boolean hasBlob(String blobName) {
        return blobs.containsKey(blobName);
    }

    public Map<String, Blob> blobs() {
        return blobs;
    }

    public List<String> inputNames() {
        return new ArrayList<>(inputShapes.keySet());
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The layers as the net was declared: no implicit Splits, blobs under the names the user gave them. */
    public List<Entry> declaredEntries() {
        return declared;
    }

    /**
     * Fills every parameter this net owns from its entry's fillers, seeded by (seed, layer name, blob
     * index); parameters shared from another net are that net's to fill.
     */
    public void fill(long seed) {
        for (Entry en : entries) {
            Layer l = en.layer();
            if (l.sharesParams()) {
                continue;
            }
            List<Param> ps = l.params();
            for (int i = 0; i < ps.size(); i++) {
                Filler f = i < en.fillers().size() ? en.fillers().get(i) : Filler.DEFAULT;
                Blob b = ps.get(i).blob();
                try {
                    b.upload(Fillers.fill(f, b.shape(), seed, l.name(), i));
                } catch (IllegalArgumentException e) {
                    // A filler that does not fit its blob (bilinear on a non-square kernel) is known only now.
                    throw new IllegalArgumentException("layer '" + l.name() + "', learnable blob " + i + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** The blobs no later layer reads, in the order they are produced: what a deploy net computes. */
    public List<String> unreadTops() {
        Set<String> read = new HashSet<>();
        for (Entry en : declared) {
            read.addAll(en.bottoms());
        }
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (Entry en : declared) {
            for (String t : en.tops()) {
                out.put(t, !read.contains(t));
            }
        }
        return out.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    public List<Layer> layers() {
        List<Layer> out = new ArrayList<>();
        for (Entry e : entries) {
            out.add(e.layer());
        }
        return out;
    }

    public Layer layer(String layerName) {
        for (Entry e : entries) {
            if (e.layer().name().equals(layerName)) {
                return e.layer();
            }
        }
        return null;
    }

    public List<Blob> tops(int layerIndex) {
        return topBlobs.get(layerIndex);
    }

    public List<Blob> bottoms(int layerIndex) {
        return bottomBlobs.get(layerIndex);
    }

    /** A value the test phase averages: an Accuracy layer's first top (topK > 0) or a loss layer's (topK = 0). */
    public record Output(String layer, String blob, int topK, float lossWeight) {
    }

    /** The net's accuracy and loss outputs in execution order, with the loss weights this net applies. */
    public List<Output> outputs() {
        List<Output> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry en = entries.get(i);
            if (en.layer() instanceof AccuracyLayer a) {
                out.add(new Output(a.name(), en.tops().get(0), a.settings().topK(), 0f));
            } else if (en.layer().isLoss()) {
                out.add(new Output(en.layer().name(), en.tops().get(0), 0, lossWeights.get(i)[0]));
            }
        }
        return out;
    }

    public boolean needsBackward(int layerIndex) {
        return needsBackward[layerIndex];
    }

    public boolean[] propagateDown(int layerIndex) {
        return propagateDown.get(layerIndex).clone();
    }

    /** All parameters in layer order (weights before bias within a layer). */
    public List<Param> params() {
        List<Param> out = new ArrayList<>();
        for (Entry e : entries) {
            out.addAll(e.layer().params());
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // Implicit splits (Caffe's InsertSplits): each produced blob consumed by more than one layer gets
    // a Split layer right after its producer, and each consumer reads its own copy.

    private static List<Entry> insertSplits(Set<String> inputs, List<Entry> layers) {
        Map<String, String> current = new HashMap<>(); // blob name -> producer key
        for (String in : inputs) {
            current.put(in, in + "@in");
        }
        Map<String, List<int[]>> consumers = new LinkedHashMap<>();
        String[][] bottomKeys = new String[layers.size()][];
        for (int i = 0; i < layers.size(); i++) {
            Entry en = layers.get(i);
            bottomKeys[i] = new String[en.bottoms().size()];
            for (int j = 0; j < en.bottoms().size(); j++) {
                String b = en.bottoms().get(j);
                String key = current.get(b);
                if (key == null) {
                    throw new IllegalArgumentException("layer '" + en.layer().name() + "' reads bottom '" + b
                            + "', which no input or earlier layer produces (known blobs: " + current.keySet() + ")");
                }
                bottomKeys[i][j] = key;
                consumers.computeIfAbsent(key, k -> new ArrayList<>()).add(new int[] {i, j});
            }
            for (String t : en.tops()) {
                current.put(t, t + "@" + i);
            }
        }
        Map<String, String> actual = new HashMap<>(); // producer key -> blob name after renaming
        Map<String, String> assigned = new HashMap<>(); // "i:j" -> split output name
        List<Entry> out = new ArrayList<>();
        for (String in : inputs) {
            actual.put(in + "@in", in);
            emitSplit(in + "@in", "input", consumers, actual, assigned, out);
        }
        for (int i = 0; i < layers.size(); i++) {
            Entry en = layers.get(i);
            List<String> bottoms = new ArrayList<>();
            for (int j = 0; j < en.bottoms().size(); j++) {
                String a = assigned.get(i + ":" + j);
                bottoms.add(a != null ? a : actual.get(bottomKeys[i][j]));
            }
            List<String> tops = new ArrayList<>();
            for (int t = 0; t < en.tops().size(); t++) {
                String top = en.tops().get(t);
                boolean inPlace = t < en.bottoms().size() && en.bottoms().get(t).equals(top);
                String name = inPlace ? bottoms.get(t) : top;
                tops.add(name);
                actual.put(top + "@" + i, name);
            }
            out.add(new Entry(en.layer(), bottoms, tops, en.lossWeights(), en.multipliers(), en.propagateDown(), en.fillers()));
            for (String top : en.tops()) {
                emitSplit(top + "@" + i, en.layer().name(), consumers, actual, assigned, out);
            }
        }
        return out;
    }

    private static void emitSplit(String key, String producer, Map<String, List<int[]>> consumers, Map<String, String> actual,
                                  Map<String, String> assigned, List<Entry> out) {
        List<int[]> cs = consumers.get(key);
        if (cs == null || cs.size() < 2) {
            return;
        }
        String blob = actual.get(key);
        List<String> tops = new ArrayList<>();
        for (int c = 0; c < cs.size(); c++) {
            String name = blob + "_" + producer + "_split_" + c;
            tops.add(name);
            assigned.put(cs.get(c)[0] + ":" + cs.get(c)[1], name);
        }
        out.add(new Entry(new SplitLayer(blob + "_" + producer + "_split", cs.size()), List.of(blob), tops));
    }

    @Override
    public void close() {
        for (Entry e : entries) {
            e.layer().close();
        }
        for (Blob b : blobs.values()) {
            b.close();
        }
    }
}
