package org.graft.net.config;

import org.graft.caffe.proto.Caffe;
import org.graft.caffe.proto.Caffe.FillerParameter.VarianceNorm;

/**
 * Caffe's FillerParameter: how a parameter blob is initialised. Defaults are Caffe's: type constant,
 * value 0, min 0, max 1, mean 0, std 1, variance_norm FAN_IN. The maths is in
 * {@link org.graft.net.Fillers}.
 */
public record Filler(Type type, float value, float min, float max, float mean, float std, VarianceNorm varianceNorm) {
    /** Caffe's filler types that Graft implements (Caffe's sparse gaussian is not). */
    public enum Type implements JsonEnum {
        CONSTANT("constant"), GAUSSIAN("gaussian"), UNIFORM("uniform"), XAVIER("xavier"), MSRA("msra"),
        POSITIVE_UNITBALL("positive_unitball"), BILINEAR("bilinear");

        private final String jsonName;

        Type(String jsonName) {
            this.jsonName = jsonName;
        }

        @Override
        public String jsonName() {
            return jsonName;
        }
    }

    /** Caffe's default filler: constant 0. */
    public static final Filler DEFAULT = new Filler(Type.CONSTANT, 0f, 0f, 1f, 0f, 1f, VarianceNorm.FAN_IN);

    public Filler {
        if (type == null || varianceNorm == null) {
            throw new IllegalArgumentException("filler type and variance_norm must not be null");
        }
    }

    /** A filler as caffe.proto holds it; the net binder has checked it. */
    public static Filler of(Caffe.FillerParameter f) {
        for (Type t : Type.values()) {
            if (t.jsonName().equals(f.getType())) {
                return new Filler(t, f.getValue(), f.getMin(), f.getMax(), f.getMean(), f.getStd(), f.getVarianceNorm());
            }
        }
        throw new IllegalArgumentException("unknown filler type \"" + f.getType() + "\"");
    }

    /** As caffe.proto holds it: the type, and the values that differ from the defaults. */
    public Caffe.FillerParameter toProto() {
        Caffe.FillerParameter.Builder p = Caffe.FillerParameter.newBuilder().setType(type.jsonName());
        Filler d = DEFAULT;
        if (value != d.value) {
            p.setValue(value);
        }
        if (min != d.min) {
            p.setMin(min);
        }
        if (max != d.max) {
            p.setMax(max);
        }
        if (mean != d.mean) {
            p.setMean(mean);
        }
        if (std != d.std) {
            p.setStd(std);
        }
        if (varianceNorm != d.varianceNorm) {
            p.setVarianceNorm(varianceNorm);
        }
        return p.build();
    }

    public static Filler constant(float value) {
        return new Filler(Type.CONSTANT, value, 0f, 1f, 0f, 1f, VarianceNorm.FAN_IN);
    }

    public static Filler gaussian(float mean, float std) {
        return new Filler(Type.GAUSSIAN, 0f, 0f, 1f, mean, std, VarianceNorm.FAN_IN);
    }

    public static Filler gaussian(float std) {
        return gaussian(0f, std);
    }

    public static Filler uniform(float min, float max) {
        return new Filler(Type.UNIFORM, 0f, min, max, 0f, 1f, VarianceNorm.FAN_IN);
    }

    public static Filler xavier(VarianceNorm norm) {
        return new Filler(Type.XAVIER, 0f, 0f, 1f, 0f, 1f, norm);
    }

    public static Filler xavier() {
        return xavier(VarianceNorm.FAN_IN);
    }

    public static Filler msra(VarianceNorm norm) {
        return new Filler(Type.MSRA, 0f, 0f, 1f, 0f, 1f, norm);
    }

    public static Filler msra() {
        return msra(VarianceNorm.FAN_IN);
    }

    public static Filler positiveUnitball() {
        return new Filler(Type.POSITIVE_UNITBALL, 0f, 0f, 1f, 0f, 1f, VarianceNorm.FAN_IN);
    }
}
