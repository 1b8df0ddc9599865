package org.graft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxDatasetTest {
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path dir;

    static byte[] imageFile(int n, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
        b.putInt(IdxDataset.IMAGE_MAGIC).putInt(n).putInt(rows).putInt(cols);
        for (int k = 0; k < n * rows * cols; k++) {
            b.put((byte) (k * 7 + 3)); // covers values above 127, which must read as unsigned
        }
        return b.array();
    }

    static byte[] labelFile(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(IdxDataset.LABEL_MAGIC).putInt(labels.length);
        for (int l : labels) {
            b.put((byte) l);
        }
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @ParameterizedTest(name = "gzipped={0}")
    @ValueSource(booleans = {false, true})
    void readsImagesAndLabels(boolean gzipped) throws IOException {
        byte[] img = imageFile(3, 2, 5);
        byte[] lab = labelFile(4, 0, 7);
        // Names deliberately lie about the compression: detection must use the content.
        Path imgs = write("images.bin", gzipped ? gzip(img) : img);
        Path labs = write(gzipped ? "labels.plain" : "labels.gz", gzipped ? gzip(lab) : lab);

        IdxDataset d = new IdxDataset(imgs, labs);

        assertThat(d.size()).isEqualTo(3);
        assertThat(new int[] {d.channels(), d.height(), d.width()}).containsExactly(1, 2, 5);
        assertThat(d.numClasses()).isEqualTo(8);
        assertThat(new int[] {d.label(0), d.label(1), d.label(2)}).containsExactly(4, 0, 7);
        float[] dst = new float[12];
        d.image(2, dst, 1);
        for (int k = 0; k < 10; k++) {
            assertThat(dst[1 + k]).isEqualTo((float) (img[16 + 20 + k] & 0xff));
        }
        assertThat(dst[0]).isZero();
        assertThat(dst[11]).isZero();
        assertThat(d.describe()).contains("images.bin").contains("3 images 1×2×5");
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path labs = write("labels", labelFile(1));
        Path missing = dir.resolve("no-such-images");
        assertThatThrownBy(() -> new IdxDataset(missing, labs)).isInstanceOf(DataException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void wrongMagicSaysWhatWasFoundAndExpected() throws IOException {
        Path imgs = write("images", imageFile(1, 2, 2));
        Path labs = write("labels", labelFile(1));
        // Swapped arguments: the label file is read as the image file.
        assertThatThrownBy(() -> new IdxDataset(labs, imgs)).isInstanceOf(DataException.class)
                .hasMessageContaining(labs.toString()).hasMessageContaining("wrong magic")
                .hasMessageContaining("expected 0x00000803").hasMessageContaining("found 0x00000801");
        Path junk = write("junk", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThatThrownBy(() -> new IdxDataset(imgs, junk)).isInstanceOf(DataException.class)
                .hasMessageContaining(junk.toString()).hasMessageContaining("expected 0x00000801").hasMessageContaining("found 0x01020304");
    }

    @ParameterizedTest(name = "gzipped={0}")
    @ValueSource(booleans = {false, true})
    void truncatedImageFileIsReported(boolean gzipped) throws IOException {
        byte[] full = imageFile(4, 3, 3);
        byte[] cut = Arrays.copyOf(full, full.length - 5);
        Path imgs = write("images", gzipped ? gzip(cut) : cut);
        Path labs = write("labels", labelFile(0, 1, 2, 3));
        assertThatThrownBy(() -> new IdxDataset(imgs, labs)).isInstanceOf(DataException.class)
                .hasMessageContaining(imgs.toString()).hasMessageContaining("truncated")
                .hasMessageContaining("4×3×3").hasMessageContaining("36 bytes").hasMessageContaining("only 31");
    }

    @Test
    void truncatedHeaderAndLabelFileAreReported() throws IOException {
        Path imgs = write("images", Arrays.copyOf(imageFile(4, 3, 3), 10));
        Path labs = write("labels", labelFile(0, 1, 2, 3));
        assertThatThrownBy(() -> new IdxDataset(imgs, labs)).isInstanceOf(DataException.class)
                .hasMessageContaining(imgs.toString()).hasMessageContaining("truncated");
        Path goodImgs = write("images2", imageFile(4, 3, 3));
        Path shortLabs = write("labels2", Arrays.copyOf(labelFile(0, 1, 2, 3), 10));
        assertThatThrownBy(() -> new IdxDataset(goodImgs, shortLabs)).isInstanceOf(DataException.class)
                .hasMessageContaining(shortLabs.toString()).hasMessageContaining("truncated").hasMessageContaining("4 labels");
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path imgs = write("images", imageFile(3, 2, 2));
        Path labs = write("labels", labelFile(1, 2));
        assertThatThrownBy(() -> new IdxDataset(imgs, labs)).isInstanceOf(DataException.class)
                .hasMessageContaining(imgs.toString()).hasMessageContaining(labs.toString())
                .hasMessageContaining("3 images").hasMessageContaining("2 labels");
    }

    @Test
    void readsTheRealFashionMnistTestSet() {
        Path images = FASHION.resolve("t10k-images-idx3-ubyte.gz");
        Path labels = FASHION.resolve("t10k-labels-idx1-ubyte.gz");
        assumeTrue(Files.exists(images) && Files.exists(labels), "Fashion-MNIST not installed at " + FASHION);

        IdxDataset d = new IdxDataset(images, labels);

        assertThat(d.size()).isEqualTo(10_000);
        assertThat(new int[] {d.channels(), d.height(), d.width()}).containsExactly(1, 28, 28);
        assertThat(d.numClasses()).isEqualTo(10);
        assertThat(d.label(0)).as("first test image is an ankle boot").isEqualTo(9);
        int[] perClass = new int[10];
        for (int i = 0; i < d.size(); i++) {
            perClass[d.label(i)]++;
        }
        assertThat(perClass).containsOnly(1000);
        float[] img = new float[28 * 28];
        d.image(0, img, 0);
        float max = 0;
        for (float v : img) {
            assertThat(v).isBetween(0f, 255f);
            max = Math.max(max, v);
        }
        assertThat(max).isGreaterThan(200f);
    }
}
