package org.graft.selftest;

import java.util.List;

/**
 * How much {@code selftest} does: FULL runs every listed awkward shape plus several random ones
 * (about a minute on a 2-core CPU through PoCL); QUICK runs a few of each, for CI and multi-device checks.
 */
public enum Effort {
    QUICK(3, 1, 1),
    FULL(Integer.MAX_VALUE, 4, Integer.MAX_VALUE);

    private final int fixedShapes;
    private final int randomShapes;
    private final int gradientShapes;

    Effort(int fixedShapes, int randomShapes, int gradientShapes) {
        this.fixedShapes = fixedShapes;
        this.randomShapes = randomShapes;
        this.gradientShapes = gradientShapes;
    }

    /** The listed shapes this effort runs: all of them, or the first few. */
    public <T> List<T> fixed(List<T> shapes) {
        return shapes.subList(0, Math.min(shapes.size(), fixedShapes));
    }

    /** The gradient-check shapes this effort runs. */
    public <T> List<T> gradient(List<T> shapes) {
        return shapes.subList(0, Math.min(shapes.size(), gradientShapes));
    }

    /** How many random shapes to draw in addition to the listed ones. */
    public int randomShapes() {
        return randomShapes;
    }
}
