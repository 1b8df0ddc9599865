package org.graft.solver;

import org.graft.net.Net;
import org.graft.net.config.SolverConfig;

/**
 * Times whole training iterations the way other frameworks are usually measured: forward, backward and
 * the SGD momentum update of every parameter, with the one sync an iteration has (reading the loss) and
 * no finish() between layers. Complements {@link org.graft.net.NetTimer}, whose per-layer sync makes the
 * layer table exact but the total pessimistic.
 */
public final class StepTimer {
    /** Small enough that random inputs and labels do not drive the weights to overflow over a few steps. */
    public static final double LEARNING_RATE = 1e-5;
    public static final double MOMENTUM = 0.9;
    public static final double WEIGHT_DECAY = 5e-4;

    /**
     * @param stepMs        mean wall-clock milliseconds of one timed iteration
     * @param flopsPerStep  forward flops of every layer plus backward flops of the layers that run backward
     */
    public record Result(int iterations, int batch, double stepMs, long flopsPerStep, double lastLoss) {
        public double imagesPerSecond() {
            return batch / (stepMs / 1000.0);
        }

        /** GFLOP/s of the layers' work (the SGD update is not counted), NaN when the layers report none. */
        public double gflops() {
            return flopsPerStep <= 0 ? Double.NaN : flopsPerStep / (stepMs * 1e6);
        }
    }

    private StepTimer() {
    }

    /** One warm-up iteration, then {@code iterations} timed ones, on whatever the net's inputs hold. */
    public static Result time(Net net, int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
        SolverConfig cfg = SolverConfig.builder(LEARNING_RATE, SolverConfig.LrPolicy.FIXED, iterations + 1)
                .momentum(MOMENTUM).weightDecay(WEIGHT_DECAY).build();
        try (SgdSolver solver = new SgdSolver(net.engine(), cfg, net, 1)) {
            solver.step(); // warm-up: kernels compiled, workspaces and gradients allocated
            double loss = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                loss = solver.step(); // ends with the loss read: the iteration's only sync
            }
            double ms = (System.nanoTime() - t0) / 1e6 / iterations;
            int batch = net.blob(net.inputNames().get(0)).shape(0);
            return new Result(iterations, batch, ms, flopsPerStep(net), loss);
        }
    }

    static long flopsPerStep(Net net) {
        long f = 0;
        for (int i = 0; i < net.entries().size(); i++) {
            var layer = net.entries().get(i).layer();
            f += layer.forwardFlops();
            if (net.needsBackward(i)) {
                f += layer.backwardFlops();
            }
        }
        return f;
    }
}
