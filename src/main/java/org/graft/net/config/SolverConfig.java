package org.graft.net.config;

import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.proto.Caffe;

/**
 * The {@code solver} section, mirroring Caffe's SolverParameter (SGD only, iter_size 1). Fields a policy
 * does not use are 0. snapshotPrefix is absolute after loading. randomSeed -1 means "not set": the
 * trainer picks one and logs it. clipGradients below 0 turns clipping off. topKReport is Graft's
 * extension (empty = none).
 */
public record SolverConfig(double baseLr, LrPolicy lrPolicy, double gamma, double power, int stepsize,
                           List<Integer> stepvalue, int maxIter, double momentum, double weightDecay, int display,
                           int averageLoss, int testIter, int testInterval, boolean testInitialization,
                           int snapshot, Path snapshotPrefix, boolean snapshotAfterTrain, long randomSeed,
                           double clipGradients, int iterSize, String type, List<Integer> topKReport) {
    /** Caffe's learning-rate policies; formulas in {@link org.graft.solver.LearningRate}. */
    public enum LrPolicy implements JsonEnum {
        FIXED("fixed"), STEP("step"), MULTISTEP("multistep"), EXP("exp"), INV("inv"), POLY("poly"),
        SIGMOID("sigmoid");

        private final String jsonName;

        LrPolicy(String jsonName) {
            this.jsonName = jsonName;
        }

        @Override
        public String jsonName() {
            return jsonName;
        }

        public boolean needsGamma() {
            return this == STEP || this == MULTISTEP || this == EXP || this == INV || this == SIGMOID;
        }

        public boolean needsPower() {
            return this == INV || this == POLY;
        }

        public boolean needsStepsize() {
            return this == STEP || this == SIGMOID;
        }
    }

    public SolverConfig {
        stepvalue = stepvalue == null ? List.of() : List.copyOf(stepvalue);
        topKReport = topKReport == null ? List.of() : List.copyOf(topKReport);
        type = type == null ? "SGD" : type;
    }

    public static Builder builder(double baseLr, LrPolicy policy, int maxIter) {
        return new Builder(baseLr, policy, maxIter);
    }

    public Builder toBuilder() {
        Builder b = new Builder(baseLr, lrPolicy, maxIter);
        b.gamma = gamma;
        b.power = power;
        b.stepsize = stepsize;
        b.stepvalue = stepvalue;
        b.momentum = momentum;
        b.weightDecay = weightDecay;
        b.display = display;
        b.averageLoss = averageLoss;
        b.testIter = testIter;
        b.testInterval = testInterval;
        b.testInitialization = testInitialization;
        b.snapshot = snapshot;
        b.snapshotPrefix = snapshotPrefix;
        b.snapshotAfterTrain = snapshotAfterTrain;
        b.randomSeed = randomSeed;
        b.clipGradients = clipGradients;
        b.topKReport = topKReport;
        return b;
    }

    /**
     * As caffe.proto's SolverParameter: what a policy needs and what differs from the defaults (Caffe's
     * solver fields are floats; these doubles came from them, so nothing is lost).
     */
    public Caffe.SolverParameter toProto() {
        Caffe.SolverParameter.Builder p = Caffe.SolverParameter.newBuilder().setBaseLr((float) baseLr)
                .setLrPolicy(lrPolicy.jsonName()).addAllStepvalue(stepvalue).setMaxIter(maxIter).addAllTopKReport(topKReport);
        if (gamma != 0 || lrPolicy.needsGamma()) {
            p.setGamma((float) gamma);
        }
        if (power != 0 || lrPolicy.needsPower()) {
            p.setPower((float) power);
        }
        if (stepsize != 0 || lrPolicy.needsStepsize()) {
            p.setStepsize(stepsize);
        }
        if (momentum != 0) {
            p.setMomentum((float) momentum);
        }
        if (weightDecay != 0) {
            p.setWeightDecay((float) weightDecay);
        }
        if (display != 0) {
            p.setDisplay(display);
        }
        if (averageLoss != 1) {
            p.setAverageLoss(averageLoss);
        }
        if (testIter != 0) {
            p.addTestIter(testIter);
        }
        if (testInterval != 0) {
            p.setTestInterval(testInterval);
        }
        if (!testInitialization) {
            p.setTestInitialization(false);
        }
        if (snapshot != 0) {
            p.setSnapshot(snapshot);
        }
        if (snapshotPrefix != null) {
            p.setSnapshotPrefix(snapshotPrefix.toString());
        }
        if (!snapshotAfterTrain) {
            p.setSnapshotAfterTrain(false);
        }
        if (randomSeed != -1) {
            p.setRandomSeed(randomSeed);
        }
        if (clipGradients != -1) {
            p.setClipGradients((float) clipGradients);
        }
        return p.build();
    }

    /** True when random_seed was given (>= 0). */
    public boolean hasRandomSeed() {
        return randomSeed >= 0;
    }

    /** Builds a SolverConfig in code with Caffe's defaults for everything not set. */
    public static final class Builder {
        private double baseLr;
        private LrPolicy lrPolicy;
        private int maxIter;
        private double gamma;
        private double power;
        private int stepsize;
        private List<Integer> stepvalue = List.of();
        private double momentum;
        private double weightDecay;
        private int display;
        private int averageLoss = 1;
        private int testIter;
        private int testInterval;
        private boolean testInitialization = true;
        private int snapshot;
        private Path snapshotPrefix;
        private boolean snapshotAfterTrain = true;
        private long randomSeed = -1;
        private double clipGradients = -1;
        private List<Integer> topKReport = List.of();

        private Builder(double baseLr, LrPolicy lrPolicy, int maxIter) {
            this.baseLr = baseLr;
            this.lrPolicy = lrPolicy;
            this.maxIter = maxIter;
        }

        public Builder baseLr(double v) {
            baseLr = v;
            return this;
        }

        public Builder lrPolicy(LrPolicy v) {
            lrPolicy = v;
            return this;
        }

        public Builder maxIter(int v) {
            maxIter = v;
            return this;
        }

        public Builder gamma(double v) {
            gamma = v;
            return this;
        }

        public Builder power(double v) {
            power = v;
            return this;
        }

        public Builder stepsize(int v) {
            stepsize = v;
            return this;
        }

        public Builder stepvalue(List<Integer> v) {
            stepvalue = v;
            return this;
        }

        public Builder momentum(double v) {
            momentum = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder display(int v) {
            display = v;
            return this;
        }

        public Builder averageLoss(int v) {
            averageLoss = v;
            return this;
        }

        public Builder testIter(int v) {
            testIter = v;
            return this;
        }

        public Builder testInterval(int v) {
            testInterval = v;
            return this;
        }

        public Builder testInitialization(boolean v) {
            testInitialization = v;
            return this;
        }

        public Builder snapshot(int v) {
            snapshot = v;
            return this;
        }

        public Builder snapshotPrefix(Path v) {
            snapshotPrefix = v;
            return this;
        }

        public Builder snapshotAfterTrain(boolean v) {
            snapshotAfterTrain = v;
            return this;
        }

        public Builder randomSeed(long v) {
            randomSeed = v;
            return this;
        }

        public Builder clipGradients(double v) {
            clipGradients = v;
            return this;
        }

        public Builder topKReport(List<Integer> v) {
            topKReport = v;
            return this;
        }

        public SolverConfig build() {
            return new SolverConfig(baseLr, lrPolicy, gamma, power, stepsize, stepvalue, maxIter, momentum,
                    weightDecay, display, averageLoss, testIter, testInterval, testInitialization, snapshot,
                    snapshotPrefix, snapshotAfterTrain, randomSeed, clipGradients, 1, "SGD", topKReport);
        }
    }
}
