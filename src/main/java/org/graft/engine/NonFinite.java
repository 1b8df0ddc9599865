package org.graft.engine;

/**
 * Counts NaN and infinite values in weights or solver history, so that loading them can say where they
 * are (a model with NaN weights must never be trained on or scored silently).
 */
public final class NonFinite {
    private NonFinite() {
    }

    /** Null when every value is finite, else e.g. "3 NaN and 1 infinite of 800 values". */
    public static String describe(float[] values) {
        int nan = 0;
        int inf = 0;
        for (float v : values) {
            if (Float.isNaN(v)) {
                nan++;
            } else if (Float.isInfinite(v)) {
                inf++;
            }
        }
        if (nan == 0 && inf == 0) {
            return null;
        }
        return (nan > 0 ? nan + " NaN" : "") + (nan > 0 && inf > 0 ? " and " : "") + (inf > 0 ? inf + " infinite" : "")
                + " of " + values.length + " values";
    }
}
