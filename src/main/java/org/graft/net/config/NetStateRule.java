package org.graft.net.config;

import org.graft.layers.Phase;

/**
 * Caffe's NetStateRule, reduced to the phase (Graft has no levels or stages). A null phase matches
 * every phase, as an empty rule does in Caffe.
 */
public record NetStateRule(Phase phase) {
    public boolean matches(Phase p) {
        return phase == null || phase == p;
    }
}
