package org.graft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarDatasetTest {
    @TempDir
    Path dir;

    /** Records whose pixel k of record r is (r·31 + k) mod 256, after the given label bytes. */
    private static byte[] records(int firstRecord, int[][] labelBytes) {
        int rec = labelBytes[0].length + 3072;
        byte[] b = new byte[labelBytes.length * rec];
        for (int r = 0; r < labelBytes.length; r++) {
            int at = r * rec;
            for (int l = 0; l < labelBytes[r].length; l++) {
                b[at + l] = (byte) labelBytes[r][l];
            }
            for (int k = 0; k < 3072; k++) {
                b[at + labelBytes[r].length + k] = (byte) ((firstRecord + r) * 31 + k);
            }
        }
        return b;
    }

    private static float expectedPixel(int record, int k) {
        return ((record * 31 + k) & 0xff);
    }

    @Test
    void readsCifar10AcrossSeveralFilesInOrder() throws IOException {
        Path f1 = Files.write(dir.resolve("data_batch_1.bin"), records(0, new int[][] {{3}, {9}}));
        Path f2 = Files.write(dir.resolve("data_batch_2.bin"), records(2, new int[][] {{0}}));

        CifarDataset d = new CifarDataset(CifarDataset.Variant.CIFAR10, f1, f2);

        assertThat(d.size()).isEqualTo(3);
        assertThat(new int[] {d.channels(), d.height(), d.width()}).containsExactly(3, 32, 32);
        assertThat(d.numClasses()).isEqualTo(10);
        assertThat(new int[] {d.label(0), d.label(1), d.label(2)}).containsExactly(3, 9, 0);
        float[] img = new float[3072];
        for (int r = 0; r < 3; r++) {
            d.image(r, img, 0);
            for (int k = 0; k < 3072; k += 97) {
                assertThat(img[k]).as("record %d pixel %d", r, k).isEqualTo(expectedPixel(r, k));
            }
        }
    }

    @Test
    void cifar100UsesTheFineLabel() throws IOException {
        Path f = Files.write(dir.resolve("train.bin"), records(0, new int[][] {{19, 77}, {4, 99}}));

        CifarDataset d = new CifarDataset(CifarDataset.Variant.CIFAR100, f);

        assertThat(d.numClasses()).isEqualTo(100);
        assertThat(new int[] {d.label(0), d.label(1)}).containsExactly(77, 99);
        float[] img = new float[3072];
        d.image(1, img, 0);
        assertThat(img[3071]).isEqualTo(expectedPixel(1, 3071));
    }

    @Test
    void sizeNotAMultipleOfTheRecordIsAnError() throws IOException {
        byte[] twoRecords = records(0, new int[][] {{1}, {2}});
        Path f = Files.write(dir.resolve("cut.bin"), java.util.Arrays.copyOf(twoRecords, twoRecords.length - 1));
        assertThatThrownBy(() -> new CifarDataset(CifarDataset.Variant.CIFAR10, f)).isInstanceOf(DataException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("6145 bytes").hasMessageContaining("3073-byte record");
    }

    @Test
    void cifar100FileReadAsCifar10GetsAHint() throws IOException {
        Path f = Files.write(dir.resolve("c100.bin"), records(0, new int[][] {{1, 2}, {3, 4}, {5, 6}}));
        // 3·3074 = 9222 is not a multiple of 3073, and the message points at the other layout.
        assertThatThrownBy(() -> new CifarDataset(CifarDataset.Variant.CIFAR10, f)).isInstanceOf(DataException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("CIFAR100");
    }

    @Test
    void labelOutOfRangeAndMissingFileAreErrors() throws IOException {
        Path f = Files.write(dir.resolve("bad.bin"), records(0, new int[][] {{1}, {10}}));
        assertThatThrownBy(() -> new CifarDataset(CifarDataset.Variant.CIFAR10, f)).isInstanceOf(DataException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("record 1").hasMessageContaining("label 10");
        Path missing = dir.resolve("nope.bin");
        assertThatThrownBy(() -> new CifarDataset(CifarDataset.Variant.CIFAR10, missing)).isInstanceOf(DataException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }
}
