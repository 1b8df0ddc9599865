package org.graft.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graft.data.DataException;
import org.graft.engine.Engine;
import org.graft.engine.Shapes;
import org.graft.layers.LabelOutOfRangeException;
import org.graft.layers.Layer;
import org.graft.layers.LayerSettings;
import org.graft.layers.Phase;
import org.graft.net.config.Filler;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.NetConfig;
import org.graft.net.config.ParamSpec;

/**
 * Builds the {@link Net} of one phase from a net.json: data layers become input feeds, Input layers
 * input blobs of the declared shape, every other layer a compute layer with its multipliers.
 */
public final class NetBuilder {
    private NetBuilder() {
    }

    /** A phase's net with the feeds that fill its inputs. */
    public record PhaseNet(Net net, List<DataFeed> feeds) implements AutoCloseable {
        public void feed() {
            for (DataFeed f : feeds) {
                f.feed(net);
            }
        }

        /** Moves every feed to where it stands after {@code iteration} batches (a resumed training run). */
        public void seek(int iteration) {
            feeds.forEach(f -> f.loader().seek(iteration));
        }

        /** Rewinds every feed to its first batch, so that each test pass sees the same examples. */
        public void rewindForTest() {
            feeds.forEach(f -> f.loader().resetTest());
        }

        /**
         * The device's report of a bad label turned into the user's terms: which example of which data
         * source carries it (the feed that provides labels knows where the last batch came from).
         */
        public RuntimeException explain(LabelOutOfRangeException e) {
            for (DataFeed f : feeds) {
                if (f.labelTop() != null) {
                    return new DataException("layer '" + f.config().name() + "': " + f.describeExample(e.sample()) + " has label "
                            + e.label() + ", outside [0, " + e.classes() + ") of layer '" + e.layer() + "' (" + e.classes()
                            + " outputs); fix the labels or the classifier's num_output", e);
                }
            }
            return e;
        }

        public int batchSize() {
            return feeds.isEmpty() ? net.blob(net.inputNames().get(0)).shape(0) : feeds.get(0).batchSize();
        }

        @Override
        public void close() {
            feeds.forEach(DataFeed::close);
            net.close();
        }
    }

    /** As {@link #build(Engine, NetConfig, Phase, long, DataFeed.MeanImageLoader, int, boolean)}, shapes only when batchOverride > 0. */
    public static PhaseNet build(Engine engine, NetConfig cfg, Phase phase, long seed, DataFeed.MeanImageLoader means,
                                 int batchOverride) {
        return build(engine, cfg, phase, seed, means, batchOverride, batchOverride > 0);
    }

    /**
     * @param batchOverride if > 0, replaces the batch size of data and Input layers
     * @param shapesOnly    data layers are opened only to learn their shapes and get no feeds: the caller
     *                      fills the inputs (time, forward)
     */
    public static PhaseNet build(Engine engine, NetConfig cfg, Phase phase, long seed, DataFeed.MeanImageLoader means,
                                 int batchOverride, boolean shapesOnly) {
        return build(engine, cfg, phase, seed, means, batchOverride, shapesOnly, null);
    }

    /**
     * @param sharesWith null, or a built net (the TRAIN one) whose parameter blobs the layers of the same name
     *                   use instead of their own, as Caffe's TEST net does: no second copy on the device, and
     *                   always the current weights. Their multipliers stay {@code sharesWith}'s.
     */
    public static PhaseNet build(Engine engine, NetConfig cfg, Phase phase, long seed, DataFeed.MeanImageLoader means,
                                 int batchOverride, boolean shapesOnly, Net sharesWith) {
        List<LayerConfig> layers = cfg.layersFor(phase);
        Map<String, int[]> inputs = new LinkedHashMap<>();
        List<DataFeed> feeds = new ArrayList<>();
        List<Net.Entry> entries = new ArrayList<>();
        Net net = null;
        try {
            for (LayerConfig lc : layers) {
                switch (lc.type()) {
                    case DATA, IMAGE_DATA -> {
                        DataFeed f = DataFeed.open(lc, phase, seed, means);
                        int[] shape = f.dataShape();
                        if (batchOverride > 0) {
                            shape[0] = batchOverride;
                        }
                        Shapes.count(shape, "layer '" + lc.name() + "' (" + lc.type() + "): top '" + f.dataTop()
                                + "', batch_size × channels × height × width");
                        if (shapesOnly) {
                            f.close();
                        } else {
                            feeds.add(f);
                        }
                        inputs.put(f.dataTop(), shape);
                        if (f.labelTop() != null) {
                            inputs.put(f.labelTop(), new int[] {shape[0]});
                        }
                    }
                    case INPUT -> {
                        for (int t = 0; t < lc.top().size(); t++) {
                            int[] shape = lc.inputParam().shapeOf(t).clone();
                            if (batchOverride > 0 && shape.length > 0) {
                                shape[0] = batchOverride;
                            }
                            Shapes.count(shape, "layer '" + lc.name() + "' (Input): top '" + lc.top().get(t) + "', input_param.shape");
                            inputs.put(lc.top().get(t), shape);
                        }
                    }
                    default -> {
                        Layer layer = lc.type().create(lc);
                        Layer source = sharesWith == null ? null : sharesWith.layer(lc.name());
                        List<float[]> mults = new ArrayList<>();
                        List<Filler> fillers = new ArrayList<>();
                        if (source != null && !source.params().isEmpty()) {
                            try {
                                layer.shareParams(source);
                            } catch (RuntimeException e) {
                                layer.close();
                                throw e;
                            }
                        } else {
                            for (int p = 0; p < lc.learnableBlobs(); p++) {
                                ParamSpec ps = lc.paramSpec(p);
                                mults.add(new float[] {ps.lrMult(), ps.decayMult()});
                                fillers.add(filler(lc, p));
                            }
                        }
                        entries.add(new Net.Entry(layer, lc.bottom(), lc.top(), lc.lossWeight(), mults, lc.propagateDown(), fillers));
                    }
                }
            }
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("net '" + cfg.name() + "' has no data or Input layer in phase " + phase);
            }
            net = new Net(engine, cfg.name() + "/" + phase, inputs, entries, cfg.forceBackward());
            for (DataFeed f : feeds) {
                f.checkLabels(net);
            }
            return new PhaseNet(net, feeds);
        } catch (RuntimeException e) {
            feeds.forEach(DataFeed::close);
            if (net != null) {
                net.close();
            } else {
                entries.forEach(en -> en.layer().close());
            }
            throw e;
        }
    }

    private static Filler filler(LayerConfig lc, int blob) {
        LayerSettings settings = lc.settings(LayerSettings.class);
        if (settings != null) {
            return Filler.of(settings.filler(blob));
        }
        return Filler.DEFAULT;
    }
}
