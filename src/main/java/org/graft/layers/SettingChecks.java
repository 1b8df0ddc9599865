package org.graft.layers;

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
