package org.graft.testing;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes uncompressed IDX files (the MNIST layout: big-endian header, then raw unsigned bytes) for test fixtures. */
public final class IdxFiles {
    private IdxFiles() {
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
