package org.graft.caffe;

import java.util.ArrayList;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.caffe.proto.Caffe.LayerParameter;

/**
 * Joins a solver's separate {@code train_net} and {@code test_net} (the paper's imagenet_train and
 * imagenet_val prototxts) into one net with phases, as one would write it by hand: layers both files hold
 * identically appear once, without rules; the others get {@code include { phase: TRAIN }} or {@code TEST}.
 * The common layers are a longest common subsequence, so the result keeps the order of both files and
 * every bottom is still produced before it is read in each phase.
 */
final class PhaseMerge {
    private PhaseMerge() {
    }

    /** The layers of {@code net} that exist in {@code phase} (Caffe's include/exclude rules), without their rules. */
    static List<LayerParameter> forPhase(List<LayerParameter> net, Caffe.Phase phase) {
        return net.stream().filter(l -> includedIn(l, phase)).map(l -> l.toBuilder().clearInclude().clearExclude().build()).toList();
    }

    private static boolean includedIn(LayerParameter l, Caffe.Phase phase) {
        if (l.getIncludeCount() > 0) {
            return l.getIncludeList().stream().anyMatch(r -> !r.hasPhase() || r.getPhase() == phase);
        }
        return l.getExcludeList().stream().noneMatch(r -> !r.hasPhase() || r.getPhase() == phase);
    }

    static List<LayerParameter> merge(List<LayerParameter> train, List<LayerParameter> test) {
        int n = train.size();
        int m = test.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = train.get(i).equals(test.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<LayerParameter> out = new ArrayList<>();
        List<LayerParameter> pendingTest = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && train.get(i).equals(test.get(j))) {
                out.addAll(pendingTest);
                pendingTest.clear();
                out.add(train.get(i));
                i++;
                j++;
            } else if (j == m || i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.add(only(train.get(i), Caffe.Phase.TRAIN));
                i++;
            } else {
                // Held back so that a gap lists the TRAIN layers first, then the TEST ones.
                pendingTest.add(only(test.get(j), Caffe.Phase.TEST));
                j++;
            }
        }
        out.addAll(pendingTest);
        return out;
    }

    private static LayerParameter only(LayerParameter l, Caffe.Phase phase) {
        return l.toBuilder().addInclude(Caffe.NetStateRule.newBuilder().setPhase(phase)).build();
    }
}
