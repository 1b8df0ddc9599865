package org.graft.experiment;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.graft.net.config.NetConfig;

/**
 * A checked experiment.json (docs/experiment-json.md): the base network and its learnable layers in order
 * (the paper's layers 1..L), the class count of the dataset, the layer counts n to test, the splits with
 * their treatments, the random-weights control, the schedule of every network, the seed and the report's
 * options. {@code lastLayerOutputs} null means "the number of classes the network trains on". With
 * {@code meanPerHalf} every network subtracts the mean image of its own training half (as the paper
 * computed one per half); otherwise the base net's mean file is shared by all. {@code chopPoints}: where
 * "the first n" ends, for n = 1..L−1: the named ones when {@code chopPointsNamed}, else one after each of
 * the first L−1 learnable layers.
 */
public record Experiment(String name, Path file, Path netFile, NetConfig baseNet, List<String> learnable, int numClasses,
                         List<Integer> n, List<Split> splits, RandomWeights randomWeights, boolean baseAll,
                         Schedule schedule, long seed, Integer lastLayerOutputs, Integer trainLimit, Integer testLimit,
                         ReportOptions report, boolean meanPerHalf, List<ChopPoint> chopPoints, boolean chopPointsNamed) {
    public Experiment {
        learnable = List.copyOf(learnable);
        chopPoints = List.copyOf(chopPoints);
        n = List.copyOf(n);
        splits = List.copyOf(splits);
        // The paper's metric is the default and is used as far as the curve allows (smoke runs test a few
        // times); a k the user chose must fit the curve.
        if (report != null && report.metric().kind() == Metric.Kind.MEAN_BEST && !report.metric().equals(Metric.PAPER)
                && baseNet != null && baseNet.hasSolver()) {
            int tests = testsPerNetwork(schedule, baseNet);
            if (report.metric().k() > tests) {
                throw new ExperimentException((file != null ? file + ": " : "") + "metric.k = " + report.metric().k()
                        + " must lie in [1, " + tests + "]: each network is tested " + tests + " times, so the mean of the "
                        + report.metric().k() + " best would silently be the mean of all " + tests);
            }
        }
    }

    /** How many test points one network's curve has under {@code schedule}: every test_interval, and at the end. */
    static int testsPerNetwork(Schedule schedule, NetConfig baseNet) {
        org.graft.net.config.SolverConfig s = schedule.apply(baseNet.requireSolver());
        int interval = Math.max(1, s.testInterval());
        return s.maxIter() / interval + (s.testInitialization() ? 1 : 0) + (s.maxIter() % interval != 0 ? 1 : 0);
    }

    /**
     * L: the number of learnable layers, or with named chop points their number + 1, so that n runs over
     * 1..L−1 either way (the classifier above the last chop point always learns anew).
     */
    public int depth() {
        return chopPoints.size() + 1;
    }

    /** The layers with blobs that a cell with layer count {@code n} copies (none for n = 0), in the net's order. */
    public List<String> copied(int n) {
        return n == 0 ? List.of() : chopPoints.get(n - 1).copied();
    }

    /** The same experiment with another number of iterations per network (the grid's size knob). */
    public Experiment withMaxIter(int maxIter) {
        Schedule s = schedule;
        Schedule t = new Schedule(maxIter, s.baseLr(), s.stepsize(), s.stepvalue(), s.testInterval(), s.tests(), s.testIter(), s.snapshot(),
                s.display(), s.testInitialization());
        return new Experiment(name, file, netFile, baseNet, learnable, numClasses, n, splits, randomWeights, baseAll, t, seed, lastLayerOutputs,
                trainLimit, testLimit, report, meanPerHalf, chopPoints, chopPointsNamed);
    }

    public Optional<Split> split(String splitName) {
        return splits.stream().filter(s -> s.name().equals(splitName)).findFirst();
    }
}
