package org.graft.solver;

import org.graft.net.config.SolverConfig;

/**
 * The learning rate at an iteration (counted from 0) for each of Caffe's lr_policy values, with Caffe's
 * formulas ({@code SGDSolver::GetLearningRate}):
 * <ul>
 * <li>fixed: base_lr</li>
 * <li>step: base_lr · gamma^floor(iter / stepsize)</li>
 * <li>multistep: base_lr · gamma^k, k = how many stepvalue entries are ≤ iter</li>
 * <li>exp: base_lr · gamma^iter</li>
 * <li>inv: base_lr · (1 + gamma · iter)^(−power)</li>
 * <li>poly: base_lr · (1 − iter / max_iter)^power (0 from max_iter on)</li>
 * <li>sigmoid: base_lr / (1 + exp(−gamma · (iter − stepsize)))</li>
 * </ul>
 * Caffe's multistep advances one step per iteration once iter reaches the next stepvalue; with the
 * strictly increasing stepvalue the loader enforces, that equals the count used here, which needs no
 * state and so gives the same rate after a resume.
 */
public final class LearningRate {
    private final SolverConfig solver;

    public LearningRate(SolverConfig solver) {
        this.solver = solver;
    }

    public double at(long iter) {
        return at(solver, iter);
    }

    public static double at(SolverConfig s, long iter) {
        double base = s.baseLr();
        return switch (s.lrPolicy()) {
            case FIXED -> base;
            case STEP -> base * Math.pow(s.gamma(), Math.floorDiv(iter, (long) s.stepsize()));
            case MULTISTEP -> base * Math.pow(s.gamma(), stepsPassed(s, iter));
            case EXP -> base * Math.pow(s.gamma(), iter);
            case INV -> base * Math.pow(1.0 + s.gamma() * iter, -s.power());
            case POLY -> base * Math.pow(Math.max(0.0, 1.0 - (double) iter / s.maxIter()), s.power());
            case SIGMOID -> base / (1.0 + Math.exp(-s.gamma() * (iter - s.stepsize())));
        };
    }

    private static int stepsPassed(SolverConfig s, long iter) {
        int k = 0;
        for (int v : s.stepvalue()) {
            if (iter >= v) {
                k++;
            }
        }
        return k;
    }
}
