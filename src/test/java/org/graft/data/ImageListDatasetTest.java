package org.graft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageListDatasetTest {
    @TempDir
    Path dir;

    /** 3 wide, 2 high; pixel (y, x) has R = 10x + y, G = 100 + x, B = 200 + y. */
    private static BufferedImage colourImage() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                img.setRGB(x, y, (10 * x + y) << 16 | (100 + x) << 8 | (200 + y));
            }
        }
        return img;
    }

    /** 3 wide, 2 high grey with value 40y + 7x + 1. */
    private static BufferedImage greyImage() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                img.getRaster().setSample(x, y, 0, 40 * y + 7 * x + 1);
            }
        }
        return img;
    }

    @BeforeEach
    void writeImages() throws IOException {
        Files.createDirectories(dir.resolve("imgs/sub dir"));
        ImageIO.write(colourImage(), "png", dir.resolve("imgs/sub dir/colour one.png").toFile());
        ImageIO.write(greyImage(), "png", dir.resolve("imgs/grey.png").toFile());
    }

    private Path list(String... lines) throws IOException {
        return Files.write(dir.resolve("files.txt"), String.join("\n", lines).getBytes());
    }

    private ImageListDataset dataset(Path list, int newH, int newW, boolean colour) {
        return new ImageListDataset(list, new ImageListDataset.Spec(dir.resolve("imgs").toString(), newH, newW, colour));
    }

    @Test
    void decodesColourAsBgrPlanesAndGreyReplicated() throws IOException {
        ImageListDataset d = dataset(list("sub dir/colour one.png 4", "", "grey.png\t1\r"), 0, 0, true);

        assertThat(d.size()).isEqualTo(2);
        assertThat(new int[] {d.channels(), d.height(), d.width()}).containsExactly(3, 2, 3);
        assertThat(d.numClasses()).isEqualTo(5);
        assertThat(new int[] {d.label(0), d.label(1)}).containsExactly(4, 1);
        float[] img = new float[18];
        d.image(0, img, 0);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int k = y * 3 + x;
                assertThat(new float[] {img[k], img[6 + k], img[12 + k]}).as("B, G, R at (%d, %d)", y, x)
                        .containsExactly(200 + y, 100 + x, 10 * x + y);
            }
        }
        d.image(1, img, 0);
        for (int k = 0; k < 6; k++) {
            float v = 40 * (k / 3) + 7 * (k % 3) + 1;
            assertThat(new float[] {img[k], img[6 + k], img[12 + k]}).containsExactly(v, v, v);
        }
    }

    @Test
    void greyModeKeepsGreyValuesAndConvertsColour() throws IOException {
        ImageListDataset d = dataset(list("grey.png 0", "sub dir/colour one.png 1"), 0, 0, false);

        assertThat(d.channels()).isEqualTo(1);
        float[] img = new float[6];
        d.image(0, img, 0);
        assertThat(img).containsExactly(1, 8, 15, 41, 48, 55);
        d.image(1, img, 0);
        // pixel (1, 2): R 21, G 102, B 201 -> 0.299·21 + 0.587·102 + 0.114·201 = 89.0
        assertThat(img[5]).isCloseTo(89f, org.assertj.core.data.Offset.offset(0.51f));
    }

    @Test
    void resizesBilinearlyLikeOpenCv() throws IOException {
        BufferedImage two = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        two.getRaster().setSample(0, 0, 0, 0);
        two.getRaster().setSample(1, 0, 0, 100);
        ImageIO.write(two, "png", dir.resolve("imgs/two.png").toFile());

        ImageListDataset d = dataset(list("two.png 0", "grey.png 0"), 2, 4, false);

        assertThat(new int[] {d.height(), d.width()}).containsExactly(2, 4);
        float[] img = new float[8];
        d.image(0, img, 0);
        // Source x = (x + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25, clamped at both ends.
        assertThat(img).containsExactly(0, 25, 75, 100, 0, 25, 75, 100);
        d.image(1, img, 0); // a different source size resizes to the same shape
        assertThat(img[0]).isEqualTo(1f);
    }

    @Test
    void decodesJpeg() throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, 200 << 16 | 120 << 8 | 40);
            }
        }
        ImageIO.write(img, "jpg", dir.resolve("imgs/flat.jpg").toFile());
        ImageListDataset d = dataset(list("flat.jpg 2"), 0, 0, true);

        float[] out = new float[3 * 64];
        d.image(0, out, 0);
        // JPEG is lossy; a flat colour survives within a few levels.
        assertThat(out[0]).isBetween(34f, 46f);
        assertThat(out[64]).isBetween(114f, 126f);
        assertThat(out[128]).isBetween(194f, 206f);
    }

    @Test
    void listErrorsNameTheFileAndLine() throws IOException {
        Path noLabel = list("grey.png 0", "grey.png");
        assertThatThrownBy(() -> dataset(noLabel, 0, 0, true)).isInstanceOf(DataException.class)
                .hasMessageContaining(noLabel.toString()).hasMessageContaining("line 2").hasMessageContaining("no label");
        Path badLabel = list("grey.png 0", "", "grey.png x1");
        assertThatThrownBy(() -> dataset(badLabel, 0, 0, true)).isInstanceOf(DataException.class)
                .hasMessageContaining(badLabel.toString()).hasMessageContaining("line 3").hasMessageContaining("'x1'");
        Path missingList = dir.resolve("absent.txt");
        assertThatThrownBy(() -> dataset(missingList, 0, 0, true)).isInstanceOf(DataException.class)
                .hasMessageContaining(missingList.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void imageErrorsNameTheListLineAndImage() throws IOException {
        Path l = list("grey.png 0", "missing.png 1", "sub dir/colour one.png 0");
        Files.write(dir.resolve("imgs/notimage.png"), new byte[] {1, 2, 3});
        ImageListDataset d = dataset(l, 0, 0, true);
        float[] img = new float[18];
        assertThatThrownBy(() -> d.image(1, img, 0)).isInstanceOf(DataException.class)
                .hasMessageContaining(l.toString()).hasMessageContaining("line 2").hasMessageContaining("missing.png")
                .hasMessageContaining("does not exist");

        BufferedImage big = new BufferedImage(5, 5, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(big, "png", dir.resolve("imgs/big.png").toFile());
        Path l2 = list("grey.png 0", "big.png 1", "notimage.png 0");
        ImageListDataset d2 = dataset(l2, 0, 0, true);
        assertThatThrownBy(() -> d2.image(1, img, 0)).isInstanceOf(DataException.class)
                .hasMessageContaining("line 2").hasMessageContaining("5×5").hasMessageContaining("2×3");
        assertThatThrownBy(() -> d2.image(2, img, 0)).isInstanceOf(DataException.class)
                .hasMessageContaining("line 3").hasMessageContaining("notimage.png");
    }

    @Test
    void newSizeMustBeBothOrNeither() {
        assertThatThrownBy(() -> new ImageListDataset.Spec("", 10, 0, true)).isInstanceOf(DataException.class)
                .hasMessageContaining("new_height").hasMessageContaining("new_width");
    }
}
