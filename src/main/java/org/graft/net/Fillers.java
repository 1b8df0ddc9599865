package org.graft.net;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.graft.net.config.Filler;

/**
 * Initial values for a parameter blob from a {@link Filler}, with Caffe's formulas
 * ({@code include/caffe/filler.hpp}):
 * <ul>
 * <li>constant: every value is {@code value};</li>
 * <li>uniform: U(min, max); gaussian: N(mean, std²);</li>
 * <li>xavier: U(−a, a) with a = sqrt(3 / n); msra: N(0, 2 / n), i.e. std sqrt(2 / n);
 * n is fan_in = count / shape[0], fan_out = count / shape[1], or their mean (variance_norm);</li>
 * <li>positive_unitball: U(0, 1), then each of the shape[0] rows divided by its sum;</li>
 * <li>bilinear (no randomness): every K×K kernel of a 4-D blob is the bilinear interpolation kernel
 * (1 − |x/f − c|)·(1 − |y/f − c|) with f = ⌈K/2⌉ and c = (K − 1)/(2f), so that a Deconvolution with stride f,
 * kernel 2f − f mod 2 and pad ⌈(f − 1)/2⌉ upsamples by f (FCN's upsampling).</li>
 * </ul>
 * Reproducibility: blob {@code b} of layer {@code L} under run seed {@code s} draws from
 * {@link #random(long, String, int)}, which depends on (s, L, b) only, so a seed always gives the same
 * initial weights whatever the order or number of other layers. Uniform and normal numbers are derived
 * here from {@link SplittableRandom#nextLong()} (whose SplitMix64 sequence is fixed), not from JDK
 * helpers whose algorithm may change between Java versions.
 */
public final class Fillers {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private Fillers() {
    }

    /**
     * The generator for blob {@code blobIndex} (0 = weights, 1 = bias) of layer {@code layerName}:
     * {@code new SplittableRandom(mix64(mix64(seed ^ fnv1a64(utf8(layerName))) + (blobIndex + 1) * 0x9e3779b97f4a7c15))},
     * with mix64 SplitMix64's finaliser and fnv1a64 the 64-bit FNV-1a hash.
     */
    public static SplittableRandom random(long seed, String layerName, int blobIndex) {
        long h = mix64(seed ^ fnv1a64(layerName.getBytes(StandardCharsets.UTF_8)));
        return new SplittableRandom(mix64(h + (blobIndex + 1L) * GOLDEN_GAMMA));
    }

    /** Fills blob {@code blobIndex} of {@code layerName} with the run's seed (see {@link #random}). */
    public static float[] fill(Filler filler, int[] shape, long seed, String layerName, int blobIndex) {
        return fill(filler, shape, random(seed, layerName, blobIndex));
    }

    /** A new array of count(shape) values drawn from {@code rng}. */
    public static float[] fill(Filler filler, int[] shape, SplittableRandom rng) {
        int count = count(shape);
        float[] out = new float[count];
        if (count == 0) {
            return out;
        }
        switch (filler.type()) {
            case CONSTANT -> Arrays.fill(out, filler.value());
            case UNIFORM -> uniform(out, filler.min(), filler.max(), rng);
            case GAUSSIAN -> gaussian(out, filler.mean(), filler.std(), rng);
            case XAVIER -> {
                double a = Math.sqrt(3.0 / fan(filler, shape));
                uniform(out, -a, a, rng);
            }
            case MSRA -> gaussian(out, 0, Math.sqrt(2.0 / fan(filler, shape)), rng);
            case POSITIVE_UNITBALL -> positiveUnitball(out, shape, rng);
            case BILINEAR -> bilinear(out, shape);
        }
        return out;
    }

    /** Caffe's fan_in: count / shape[0] (for conv weights C/group·kh·kw, for inner product K). */
    public static int fanIn(int[] shape) {
        return shape.length == 0 ? 1 : count(shape) / shape[0];
    }

    /** Caffe's fan_out: count / shape[1] (for conv weights OC·kh·kw), count for 1-D blobs. */
    public static int fanOut(int[] shape) {
        return shape.length > 1 ? count(shape) / shape[1] : count(shape);
    }

    /** The n that xavier and msra divide by, chosen by variance_norm. */
    static double fan(Filler filler, int[] shape) {
        return switch (filler.varianceNorm()) {
            case FAN_IN -> fanIn(shape);
            case FAN_OUT -> fanOut(shape);
            case AVERAGE -> (fanIn(shape) + fanOut(shape)) / 2.0;
        };
    }

    private static void uniform(float[] out, double min, double max, SplittableRandom rng) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (min + (max - min) * unit(rng));
        }
    }

    /** Box–Muller: each pair of uniforms gives two independent standard normals. */
    private static void gaussian(float[] out, double mean, double std, SplittableRandom rng) {
        for (int i = 0; i < out.length; i += 2) {
            double r = Math.sqrt(-2.0 * Math.log(1.0 - unit(rng)));
            double theta = 2.0 * Math.PI * unit(rng);
            out[i] = (float) (mean + std * r * Math.cos(theta));
            if (i + 1 < out.length) {
                out[i + 1] = (float) (mean + std * r * Math.sin(theta));
            }
        }
    }

    private static void positiveUnitball(float[] out, int[] shape, SplittableRandom rng) {
        uniform(out, 0, 1, rng);
        int rows = shape.length == 0 ? 1 : shape[0];
        int dim = out.length / rows;
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < dim; j++) {
                sum += out[r * dim + j];
            }
            for (int j = 0; j < dim; j++) {
                out[r * dim + j] = (float) (out[r * dim + j] / sum);
            }
        }
    }

    private static void bilinear(float[] out, int[] shape) {
        if (shape.length != 4 || shape[2] != shape[3]) {
            throw new IllegalArgumentException("the bilinear filler needs a 4-D blob with square kernels (height = width), got "
                    + Arrays.toString(shape));
        }
        int k = shape[3];
        int f = (k + 1) / 2;
        double c = (k - 1) / (2.0 * f);
        for (int i = 0; i < out.length; i++) {
            int x = i % k;
            int y = (i / k) % k;
            out[i] = (float) ((1 - Math.abs((double) x / f - c)) * (1 - Math.abs((double) y / f - c)));
        }
    }

    /** Uniform in [0, 1) with 53 random bits. */
    private static double unit(SplittableRandom rng) {
        return (rng.nextLong() >>> 11) * 0x1.0p-53;
    }

    private static int count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("blob of shape " + Arrays.toString(shape) + " is too large to fill");
        }
        return (int) n;
    }

    private static long fnv1a64(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
