package org.graft.layers;

/**
 * What a forward/backward pass needs beyond its blobs: the phase, the solver iteration and the run's
 * seed. Stochastic layers (dropout) derive their random numbers from (seed, iteration, layer), so a
 * pass is reproducible and a resumed run draws the same numbers as an uninterrupted one.
 */
public record Pass(Phase phase, long iteration, long seed) {
    public static Pass test() {
        return new Pass(Phase.TEST, 0, 0);
    }

    public static Pass train(long iteration, long seed) {
        return new Pass(Phase.TRAIN, iteration, seed);
    }

    public boolean isTrain() {
        return phase == Phase.TRAIN;
    }
}
