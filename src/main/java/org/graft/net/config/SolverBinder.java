package org.graft.net.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.graft.caffe.proto.Caffe.SolverParameter;

/**
 * Checks a Caffe {@code SolverParameter} (a net.json's {@code solver} block, or an imported solver) and
 * binds it to a {@link SolverConfig}. Absent fields take caffe.proto's defaults, except those the chosen
 * learning-rate policy's formula needs, which must be given.
 */
final class SolverBinder {
    private final Locations at;
    private final String path;

    private SolverBinder(Locations at, String path) {
        this.at = at;
        this.path = path;
    }

    /** {@code netName} gives the default snapshot prefix: the net file's folder plus the net's name. */
    static SolverConfig bind(Locations at, SolverParameter s, String path, String netName) {
        return new SolverBinder(at, path).solver(s, netName);
    }

    private String p(String field) {
        return path + "." + field;
    }

    private SolverConfig solver(SolverParameter s, String netName) {
        if (s.hasType() && !s.getType().equals("SGD")) {
            throw at.error(p("type"), "Graft implements only the \"SGD\" solver (Caffe's SGD with momentum), found "
                    + Node.quote(s.getType()));
        }
        int iterSize = NetBinder.atLeast(at, s.getIterSize(), 1, p("iter_size"));
        if (iterSize != 1) {
            throw at.error(p("iter_size"), "Graft supports only iter_size 1 (no gradient accumulation), found " + iterSize);
        }
        if (!s.hasBaseLr()) {
            throw at.error(p("base_lr"), "missing required field \"base_lr\" (the base learning rate)");
        }
        double baseLr = exact(s.getBaseLr(), "base_lr");
        if (baseLr < 0) {
            throw at.error(p("base_lr"), "expected a learning rate >= 0, found " + baseLr);
        }
        SolverConfig.LrPolicy policy = policy(s);
        if (!s.hasMaxIter()) {
            throw at.error(p("max_iter"), "missing required field \"max_iter\" (the number of training iterations)");
        }
        int maxIter = NetBinder.atLeast(at, s.getMaxIter(), 0, p("max_iter"));
        double gamma = requireFor(s.hasGamma(), s.getGamma(), policy, policy.needsGamma(), "gamma");
        double power = requireFor(s.hasPower(), s.getPower(), policy, policy.needsPower(), "power");
        requireFor(s.hasStepsize(), s.getStepsize(), policy, policy.needsStepsize(), "stepsize");
        int stepsize = NetBinder.atLeast(at, s.getStepsize(), policy == SolverConfig.LrPolicy.STEP ? 1 : 0, p("stepsize"));
        List<Integer> stepvalue = s.getStepvalueList();
        if (policy == SolverConfig.LrPolicy.MULTISTEP && stepvalue.isEmpty()) {
            throw at.errorAt(p("lr_policy"), p("stepvalue"),
                    "lr_policy \"multistep\" needs \"stepvalue\": the iterations at which lr is multiplied by gamma");
        }
        for (int i = 0; i < stepvalue.size(); i++) {
            NetBinder.atLeast(at, stepvalue.get(i), 0, p("stepvalue[" + i + "]"));
            if (i > 0 && stepvalue.get(i) <= stepvalue.get(i - 1)) {
                throw at.error(p("stepvalue[" + i + "]"), "stepvalue must be strictly increasing, found "
                        + stepvalue.get(i) + " after " + stepvalue.get(i - 1));
            }
        }
        if (policy == SolverConfig.LrPolicy.POLY && maxIter < 1) {
            throw at.error(p("max_iter"), "lr_policy \"poly\" divides by max_iter; expected max_iter >= 1");
        }
        if (s.getTestIterCount() > 1) {
            throw at.error(p("test_iter"), "Graft has one TEST phase: give one test_iter, found " + s.getTestIterCount());
        }
        int testIter = s.getTestIterCount() == 0 ? 0 : NetBinder.atLeast(at, s.getTestIter(0), 0, p("test_iter"));
        int testInterval = NetBinder.atLeast(at, s.getTestInterval(), 0, p("test_interval"));
        if (testInterval > 0 && testIter == 0) {
            throw at.error(p("test_iter"), "test_interval is set, so test_iter (batches per test) must be >= 1");
        }
        long seed = s.getRandomSeed();
        if (seed < -1) {
            throw at.error(p("random_seed"), "expected a seed >= 0, or -1 for \"pick one\", found " + seed);
        }
        double clip = exact(s.getClipGradients(), "clip_gradients");
        if (clip == 0) {
            throw at.error(p("clip_gradients"), "clip_gradients 0 would zero every gradient; give a positive L2 norm, or"
                    + " -1 to turn clipping off");
        }
        Path prefix = s.hasSnapshotPrefix() ? NetBinder.path(at, s.getSnapshotPrefix(), p("snapshot_prefix"))
                : at.doc().baseDir().resolve(netName).normalize();
        for (int i = 0; i < s.getTopKReportCount(); i++) {
            NetBinder.atLeast(at, s.getTopKReport(i), 1, p("top_k_report[" + i + "]"));
        }
        return new SolverConfig(baseLr, policy, gamma, power, stepsize, stepvalue, maxIter,
                atLeast(exact(s.getMomentum(), "momentum"), "momentum"), atLeast(exact(s.getWeightDecay(), "weight_decay"), "weight_decay"),
                NetBinder.atLeast(at, s.getDisplay(), 0, p("display")), NetBinder.atLeast(at, s.getAverageLoss(), 1, p("average_loss")),
                testIter, testInterval, s.getTestInitialization(), NetBinder.atLeast(at, s.getSnapshot(), 0, p("snapshot")), prefix,
                s.getSnapshotAfterTrain(), seed, clip, iterSize, "SGD", s.getTopKReportList());
    }

    private SolverConfig.LrPolicy policy(SolverParameter s) {
        String allowed = Arrays.stream(SolverConfig.LrPolicy.values()).map(x -> "\"" + x.jsonName() + "\"")
                .collect(Collectors.joining(", "));
        if (!s.hasLrPolicy()) {
            throw at.error(p("lr_policy"), "missing required field \"lr_policy\" (one of " + allowed.replace("\"", "") + ")");
        }
        for (SolverConfig.LrPolicy x : SolverConfig.LrPolicy.values()) {
            if (x.jsonName().equals(s.getLrPolicy())) {
                return x;
            }
        }
        throw at.error(p("lr_policy"), "expected one of " + allowed + ", found " + Node.quote(s.getLrPolicy()));
    }

    /**
     * caffe.proto's solver rates are floats, but Graft computes the learning rate in double: a number
     * written in a net.json keeps the double value it was written with (as Graft has always used it).
     */
    private double exact(float value, String field) {
        Double written = at.number(p(field));
        return written != null && (float) (double) written == value ? written : value;
    }

    private double atLeast(double value, String field) {
        if (value < 0) {
            throw at.error(p(field), "expected a number >= 0.0, found " + value);
        }
        return value;
    }

    /** A number the policy's formula uses: required when {@code needed}, else 0 when absent. */
    private double requireFor(boolean present, double value, SolverConfig.LrPolicy policy, boolean needed, String key) {
        if (needed && !present) {
            throw at.errorAt(p("lr_policy"), p(key), "lr_policy \"" + policy.jsonName() + "\" needs \"" + key
                    + "\"; see docs/net-json.md for its formula");
        }
        return present ? exact((float) value, key) : 0;
    }
}
