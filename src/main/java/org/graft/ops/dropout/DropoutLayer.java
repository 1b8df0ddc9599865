package org.graft.ops.dropout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.graft.caffe.proto.Caffe;
import org.graft.engine.Blob;
import org.graft.layers.ElementwiseLayer;
import org.graft.layers.LayerSettings;
import org.graft.layers.Pass;
import org.graft.layers.SettingChecks;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;

/**
 * Caffe's "Dropout": in TRAIN, y = x·m/(1−p) with m ~ Bernoulli(1−p); in TEST, y = x. The mask comes
 * from a counter-based generator (Philox4x32-10, see {@code kernels/dropout.cl}) keyed by the pass's
 * seed and a hash of the layer name, with the iteration and element index as counter: it is a pure
 * function of (seed, iteration, layer, element), so a resumed run redraws the same masks.
 *
 * <p>Backward recomputes the mask rather than keeping it: that costs ten cheap integer rounds per four
 * elements on a memory-bound pass, but saves a mask buffer per layer, its write and read, and any
 * state carried from forward to backward (the mask cannot go stale or be overwritten in place).
 * Reference: {@link org.graft.ops.dropout.DropoutReference}.
 */
public final class DropoutLayer extends ElementwiseLayer {
    /** Caffe's DropoutParameter. */
    public record Spec(float dropoutRatio) implements LayerSettings {
        public Spec {
            if (!(dropoutRatio >= 0f && dropoutRatio < 1f)) {
                throw new IllegalArgumentException("dropout_ratio must be in [0, 1), got " + dropoutRatio);
            }
        }

        public Spec() {
            this(0.5f);
        }

        /** Binds a layer's dropout_param (see {@code LayerType.Binder}). */
        public static Spec bind(Caffe.LayerParameter layer, SettingChecks c, String path) {
            float ratio = layer.getDropoutParam().getDropoutRatio();
            if (!(ratio >= 0f && ratio < 1f)) {
                throw c.error(path + ".dropout_param.dropout_ratio", "expected dropout_ratio in [0, 1), found " + ratio);
            }
            return new Spec(ratio);
        }

        @Override
        public void writeTo(Caffe.LayerParameter.Builder layer) {
            Caffe.DropoutParameter.Builder p = layer.getDropoutParamBuilder();
            if (dropoutRatio != 0.5f) {
                p.setDropoutRatio(dropoutRatio);
            }
        }
    }

    private static final String KERNELS = "dropout.cl";
    private final Spec spec;

    public DropoutLayer(String name, Spec spec) {
        super(name);
        this.spec = spec;
    }

    @Override
    public Spec settings() {
        return spec;
    }

    @Override
    public String type() {
        return "Dropout";
    }

    @Override
    public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
        Blob x = bottom.get(0);
        apply(x.data(), top.get(0).data(), x.count(), pass);
    }

    @Override
    public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
        if (propagateDown[0]) {
            Blob x = bottom.get(0);
            apply(top.get(0).diff(), x.diff(), x.count(), pass);
        }
    }

    /** out = in·m·scale in TRAIN; a copy (or nothing, in place) in TEST. */
    private void apply(ClBuffer in, ClBuffer out, int n, Pass pass) {
        if (!pass.isTrain()) {
            if (in != out) {
                engine.cl().copy(in, 0, out, 0, n * 4L);
            }
            return;
        }
        ClKernel k = engine.kernel(KERNELS, "dropout_apply");
        k.arg(0, n).arg(1, in).arg(2, out)
                .arg(3, (int) pass.seed()).arg(4, nameHash(name))
                .arg(5, (int) pass.iteration()).arg(6, (int) (pass.iteration() >>> 32))
                .arg(7, (int) (pass.seed() >>> 32))
                .arg(8, (int) threshold(spec.dropoutRatio())).arg(9, scale(spec.dropoutRatio()));
        engine.run1d(k, (n + 3L) / 4);
    }

    /** Unsigned 32-bit threshold floor(p·2^32): a word below it drops its element. */
    static long threshold(float p) {
        return (long) Math.floor(p * 4294967296.0);
    }

    /** 1/(1−p) rounded once to float, as Caffe's scale_. */
    static float scale(float p) {
        return (float) (1.0 / (1.0 - p));
    }

    /** FNV-1a (32-bit) of the UTF-8 name: stable across JVMs, unlike String.hashCode's contract. */
    static int nameHash(String layerName) {
        int h = 0x811C9DC5;
        for (byte b : layerName.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x01000193;
        }
        return h;
    }
}
