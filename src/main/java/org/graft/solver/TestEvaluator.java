package org.graft.solver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graft.engine.Blob;
import org.graft.layers.LabelOutOfRangeException;
import org.graft.layers.Pass;
import org.graft.net.Net;
import org.graft.net.Net.Output;
import org.graft.net.NetBuilder.PhaseNet;

/**
 * Caffe's test phase: {@code iterations} batches through the TEST net, averaging every accuracy and loss
 * output. Accuracy outputs are labelled by their top_k so reports can name top-1 and top-5.
 */
public final class TestEvaluator {
    private final PhaseNet test;
    private final List<Output> outputs;

    public TestEvaluator(PhaseNet test) {
        this.test = test;
        this.outputs = test.net().outputs();
    }

    public List<Output> outputs() {
        return outputs;
    }

    /**
     * Runs the test pass with the TEST net's weights (during training, the TRAIN net's: {@link
     * Trainer#buildTestNet} shares them); returns averages keyed by output.
     */
    public Map<Output, Double> run(int iterations) {
        Net net = test.net();
        test.rewindForTest();
        double[] sums = new double[outputs.size()];
        for (int it = 0; it < iterations; it++) {
            test.feed();
            net.forward(Pass.test());
            for (int o = 0; o < outputs.size(); o++) {
                Blob b = net.blob(outputs.get(o).blob());
                sums[o] += b.download()[0];
            }
            try {
                net.checkLabels();
            } catch (LabelOutOfRangeException e) {
                throw test.explain(e);
            }
        }
        Map<Output, Double> out = new LinkedHashMap<>();
        for (int o = 0; o < outputs.size(); o++) {
            out.put(outputs.get(o), sums[o] / Math.max(1, iterations));
        }
        return out;
    }

    /** The averaged accuracy with the given top_k, or NaN if the net has none. */
    public static double accuracy(Map<Output, Double> results, int topK) {
        for (Map.Entry<Output, Double> e : results.entrySet()) {
            if (e.getKey().topK() == topK) {
                return e.getValue();
            }
        }
        return Double.NaN;
    }

    public static double loss(Map<Output, Double> results) {
        double sum = 0;
        boolean any = false;
        for (Map.Entry<Output, Double> e : results.entrySet()) {
            if (e.getKey().topK() == 0) {
                sum += e.getValue();
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }
}
