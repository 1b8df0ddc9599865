package org.graft.experiment;

/**
 * The random-weights control (paper section 4.3, its nolearn nets): the first n layers keep their random
 * initial weights, frozen, and the rest learn. {@code split} names the split whose half {@code target}
 * the networks train on (ALL = every class, as the paper); the result is normalised by the base network
 * of that same target.
 */
public record RandomWeights(String split, Half target) {
}
