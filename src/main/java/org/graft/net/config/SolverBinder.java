package org.graft.net.config;

import java.nio.file.Path;
import java.util.List;

/** Binds the {@code solver} object of a net.json to a {@link SolverConfig}. */
final class SolverBinder {
    static final List<String> SOLVER_FIELDS = List.of("base_lr", "lr_policy", "gamma", "power", "stepsize",
            "stepvalue", "max_iter", "momentum", "weight_decay", "display", "average_loss", "test_iter",
            "test_interval", "test_initialization", "snapshot", "snapshot_prefix", "snapshot_after_train",
            "random_seed", "clip_gradients", "iter_size", "type", "top_k_report");

    private SolverBinder() {
    }

    /** {@code netName} gives the default snapshot prefix: the net.json's folder plus the net's name. */
    static SolverConfig bind(Doc doc, Node node, String netName) {
        Fields f = Fields.of(doc, node, "the solver", SOLVER_FIELDS);
        String type = f.string("type");
        if (type != null && !type.equals("SGD")) {
            throw f.error("type", "Graft implements only the \"SGD\" solver (Caffe's SGD with momentum), found "
                    + Node.quote(type));
        }
        int iterSize = f.intAtLeast("iter_size", 1, 1);
        if (iterSize != 1) {
            throw f.error("iter_size", "Graft supports only iter_size 1 (no gradient accumulation), found " + iterSize);
        }
        double baseLr = doc.asDouble(f.require("base_lr", "the base learning rate"));
        if (baseLr < 0) {
            throw f.error("base_lr", "expected a learning rate >= 0, found " + baseLr);
        }
        Node policyNode = f.require("lr_policy", "one of fixed, step, multistep, exp, inv, poly, sigmoid");
        SolverConfig.LrPolicy policy = doc.asEnum(policyNode, SolverConfig.LrPolicy.class);
        int maxIter = f.requireIntAtLeast("max_iter", 0, "the number of training iterations");

        double gamma = requireFor(f, policyNode, policy, policy.needsGamma(), "gamma");
        double power = requireFor(f, policyNode, policy, policy.needsPower(), "power");
        requireFor(f, policyNode, policy, policy.needsStepsize(), "stepsize");
        int stepsize = f.intAtLeast("stepsize", 0, policy == SolverConfig.LrPolicy.STEP ? 1 : 0);
        List<Integer> stepvalue = f.ints("stepvalue", 0);
        if (policy == SolverConfig.LrPolicy.MULTISTEP && stepvalue.isEmpty()) {
            throw doc.error(policyNode.line, policyNode.column, Node.child(node.path, "stepvalue"),
                    "lr_policy \"multistep\" needs \"stepvalue\": the iterations at which lr is multiplied by gamma");
        }
        for (int i = 1; i < stepvalue.size(); i++) {
            if (stepvalue.get(i) <= stepvalue.get(i - 1)) {
                throw doc.error(f.array("stepvalue").get(i), "stepvalue must be strictly increasing, found "
                        + stepvalue.get(i) + " after " + stepvalue.get(i - 1));
            }
        }
        if (policy == SolverConfig.LrPolicy.POLY && maxIter < 1) {
            throw f.error("max_iter", "lr_policy \"poly\" divides by max_iter; expected max_iter >= 1");
        }

        int testIter = f.intAtLeast("test_iter", 0, 0);
        int testInterval = f.intAtLeast("test_interval", 0, 0);
        if (testInterval > 0 && testIter == 0) {
            throw f.error("test_iter", "test_interval is set, so test_iter (batches per test) must be >= 1");
        }
        long seed = f.longValue("random_seed", -1);
        if (seed < -1) {
            throw f.error("random_seed", "expected a seed >= 0, or -1 for \"pick one\", found " + seed);
        }
        double clip = f.doubleValue("clip_gradients", -1);
        if (clip == 0) {
            throw f.error("clip_gradients", "clip_gradients 0 would zero every gradient; give a positive L2 norm, or"
                    + " -1 to turn clipping off");
        }
        Path prefix = f.has("snapshot_prefix") ? f.path("snapshot_prefix") : doc.baseDir().resolve(netName).normalize();

        return new SolverConfig(baseLr, policy, gamma, power, stepsize, stepvalue, maxIter,
                f.doubleAtLeast("momentum", 0, 0), f.doubleAtLeast("weight_decay", 0, 0), f.intAtLeast("display", 0, 0),
                f.intAtLeast("average_loss", 1, 1), testIter, testInterval, f.bool("test_initialization", true),
                f.intAtLeast("snapshot", 0, 0), prefix, f.bool("snapshot_after_train", true), seed, clip, iterSize,
                "SGD", f.ints("top_k_report", 1));
    }

    /** A number the policy's formula uses: required when {@code needed}, else 0 when absent. */
    private static double requireFor(Fields f, Node policyNode, SolverConfig.LrPolicy policy, boolean needed,
                                     String key) {
        if (needed && !f.has(key)) {
            throw f.doc().error(policyNode.line, policyNode.column, Node.child(f.node().path, key),
                    "lr_policy \"" + policy.jsonName() + "\" needs \"" + key + "\"; see docs/net-json.md for its formula");
        }
        return f.doubleValue(key, 0);
    }
}
