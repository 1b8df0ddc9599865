package org.graft.layers;

import java.util.List;
import org.graft.caffe.proto.Caffe;

/**
 * What a layer type's binder uses to refuse a setting: an error names the field's path
 * ({@code layers[3].eltwise_param.coeff}) and, for a net.json, its line and column. The net binder
 * supplies the located form; {@link #plain} serves settings built in code.
 */
public interface SettingChecks {
    /** The error to throw for the value at {@code path}. */
    RuntimeException error(String path, String problem);

    /** Checks a filler as every filler of a net is checked (a known type, min <= max, std >= 0). */
    void filler(Caffe.FillerParameter filler, String path);

    default int atLeast(int value, int min, String path) {
        if (value < min) {
            String expected = min == 1 ? "a positive integer (>= 1)" : min == 0 ? "an integer >= 0" : "an integer >= " + min;
            throw error(path, "expected " + expected + ", found " + value);
        }
        return value;
    }

    default float finite(float value, String path) {
        if (!Float.isFinite(value)) {
            throw error(path, "expected a finite number, found " + value);
        }
        return value;
    }

    default float atLeast(float value, float min, String path) {
        if (!(finite(value, path) >= min)) {
            throw error(path, "expected a number >= " + min + ", found " + value);
        }
        return value;
    }

    /** The path of item {@code i} of the repeated field at {@code path} (a net.json may give a lone value without a list). */
    default String item(String path, int i) {
        return path + "[" + i + "]";
    }

    /**
     * Height and width from Caffe's two spellings of a 2-D size: the repeated {@code both} (one value for both
     * axes, or height then width) or the {@code h}/{@code w} pair; each value >= {@code min}; null when neither is given.
     */
    default int[] heightWidth(String path, String both, List<Integer> values, String h, boolean hasH, int hv, String w,
                              boolean hasW, int wv, int min) {
        if ((hasH || hasW) && !values.isEmpty()) {
            throw error(path + "." + (hasH ? h : w), "give either " + both + " or " + h + " and " + w + ", not both");
        }
        if (hasH != hasW) {
            String given = hasH ? h : w;
            throw error(path + "." + given, given + " needs " + (hasH ? w : h) + " as well (or use " + both + " for both axes)");
        }
        if (hasH) {
            return new int[] {atLeast(hv, min, path + "." + h), atLeast(wv, min, path + "." + w)};
        }
        if (values.size() > 2) {
            throw error(path + "." + both, "expected 1 or 2 values (one for both axes, or height and width), found "
                    + values.size() + "; Graft's layers are 2-D");
        }
        for (int i = 0; i < values.size(); i++) {
            atLeast(values.get(i), min, item(path + "." + both, i));
        }
        return values.isEmpty() ? null : new int[] {values.get(0), values.get(values.size() - 1)};
    }

    /** For settings built in code: errors are IllegalArgumentExceptions naming the layer. */
    static SettingChecks plain(String layer) {
        return new SettingChecks() {
            @Override
            public RuntimeException error(String path, String problem) {
                return new IllegalArgumentException("layer '" + layer + "': " + (path.isEmpty() ? "" : path + ": ") + problem);
            }

            @Override
            public void filler(Caffe.FillerParameter filler, String path) {
                if (filler.getMin() > filler.getMax() || filler.getStd() < 0) {
                    throw error(path, "expected min <= max and std >= 0");
                }
            }
        };
    }
}
