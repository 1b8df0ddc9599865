package org.graft.testing;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Writes uncompressed IDX files (the MNIST layout: big-endian header, then raw unsigned bytes) for test fixtures. */
public final class IdxFiles {
    private IdxFiles() {
    }

    /** Whether pixel (y, x) of an image of class {@code c} is part of its pattern. */
    @FunctionalInterface
    public interface Pattern {
        boolean on(int c, int y, int x);
    }

    /**
     * {@code n} learnable synthetic images, class i mod {@code classes}: pattern pixels at {@code onLevel},
     * the rest at {@code offLevel}, each plus uniform noise in [0, {@code noise}) from {@code seed}.
     */
    public static void writePatterns(Path images, Path labels, int n, int size, int classes, long seed, Pattern pattern,
                                     int onLevel, int offLevel, int noise) throws IOException {
        Random r = new Random(seed);
        byte[] pix = new byte[n * size * size];
        byte[] lab = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            lab[i] = (byte) c;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    pix[i * size * size + y * size + x] = (byte) ((pattern.on(c, y, x) ? onLevel : offLevel) + r.nextInt(noise));
                }
            }
        }
        write(images, labels, n, size, pix, lab);
    }

    /** {@code n} square {@code size}×{@code size} images (magic 0x803) and their labels (magic 0x801). */
    public static void write(Path images, Path labels, int n, int size, byte[] pixels, byte[] classes) throws IOException {
        if (pixels.length != n * size * size || classes.length != n) {
            throw new IllegalArgumentException("IDX fixture: " + n + " images of " + size + "x" + size + " need " + n * size * size
                    + " pixels and " + n + " labels, got " + pixels.length + " and " + classes.length);
        }
        try (OutputStream os = Files.newOutputStream(images); DataOutputStream d = new DataOutputStream(os)) {
            d.writeInt(0x803);
            d.writeInt(n);
            d.writeInt(size);
            d.writeInt(size);
            d.write(pixels);
        }
        try (OutputStream os = Files.newOutputStream(labels); DataOutputStream d = new DataOutputStream(os)) {
            d.writeInt(0x801);
            d.writeInt(n);
            d.write(classes);
        }
    }
}
