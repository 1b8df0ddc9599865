package org.graft.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.graft.caffe.WeightShapes;
import org.graft.layers.Phase;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;
import org.graft.ops.accuracy.AccuracyLayer;

/**
 * Makes a net's TEST phase report what the {@code test} command prints: top-1, top-5 and the loss. The
 * layers the net lacks are added in TEST only, on the blobs its own Accuracy or loss layer reads: an
 * Accuracy with top_k 1 or 5, and a SoftmaxWithLoss. When the scores are a Softmax's output (the paper's
 * val nets feed probabilities to Accuracy), the loss is taken on that Softmax's input, the logits, and the
 * ranking is the same either way.
 */
final class TestOutputs {
    static final String TOP1 = "graft_top1";
    static final String TOP5 = "graft_top5";
    static final String LOSS = "graft_loss";

    private TestOutputs() {
    }

    static NetConfig augment(NetConfig cfg) {
        List<LayerConfig> test = cfg.layersFor(Phase.TEST);
        String scores = null;
        String label = null;
        boolean hasLoss = false;
        boolean top1 = false;
        boolean top5 = false;
        for (LayerConfig l : test) {
            if (l.type() == LayerType.ACCURACY || l.type() == LayerType.SOFTMAX_WITH_LOSS) {
                if (scores == null) {
                    scores = l.bottom().get(0);
                    label = l.bottom().get(1);
                }
                hasLoss |= l.type() == LayerType.SOFTMAX_WITH_LOSS;
                top1 |= l.type() == LayerType.ACCURACY && l.settings(AccuracyLayer.Spec.class).topK() == 1;
                top5 |= l.type() == LayerType.ACCURACY && l.settings(AccuracyLayer.Spec.class).topK() == 5;
            }
        }
        if (scores == null) {
            throw new IllegalArgumentException("net '" + cfg.name() + "' has no Accuracy or SoftmaxWithLoss layer in phase TEST,"
                    + " so it is not known which blobs hold the scores and the labels");
        }
        Map<String, int[]> shapes = WeightShapes.blobShapes(cfg, Phase.TEST);
        int[] s = shapes.get(scores);
        int classes = s != null && s.length > 1 ? s[1] : -1;
        List<LayerConfig> layers = new ArrayList<>(cfg.layers());
        if (!top1) {
            layers.add(accuracy(TOP1, 1, scores, label));
        }
        if (!top5 && classes >= 5) {
            layers.add(accuracy(TOP5, 5, scores, label));
        }
        if (!hasLoss) {
            String logits = scores;
            for (LayerConfig l : test) {
                if (l.type() == LayerType.SOFTMAX && l.top().get(0).equals(scores)) {
                    logits = l.bottom().get(0);
                }
            }
            layers.add(LayerConfig.builder(LOSS, LayerType.SOFTMAX_WITH_LOSS).bottom(logits, label).top(LOSS)
                    .include(Phase.TEST).build());
        }
        return cfg.withLayers(layers);
    }

    private static LayerConfig accuracy(String name, int k, String scores, String label) {
        return LayerConfig.builder(name, LayerType.ACCURACY).bottom(scores, label).top(name)
                .settings(new AccuracyLayer.Spec(k, 1, null)).include(Phase.TEST).build();
    }
}
