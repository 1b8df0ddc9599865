package org.graft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.graft.io.InputFiles;
import org.graft.testing.IdxFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 4: readers check the sizes a header declares against what the file can hold and against
 * memory before allocating, and refuse directories and devices in the same words everywhere.
 */
class DeclaredSizeTest {
    @TempDir
    Path dir;

    /** An IDX image file whose header declares {@code n} images of 28×28 but holds {@code actual}. */
    private Path idxImages(String name, int n, int actual, boolean gzip) throws IOException {
        Path f = dir.resolve(name);
        try (OutputStream raw = Files.newOutputStream(f); OutputStream os = gzip ? new GZIPOutputStream(raw) : raw;
             DataOutputStream d = new DataOutputStream(os)) {
            d.writeInt(0x803);
            d.writeInt(n);
            d.writeInt(28);
            d.writeInt(28);
            d.write(new byte[actual * 784]);
        }
        return f;
    }

    private Path labels(int n) throws IOException {
        Path images = dir.resolve("ok-images");
        Path labels = dir.resolve("labels");
        IdxFiles.write(images, labels, n, 1, new byte[n], new byte[n]);
        return labels;
    }

    @Test
    void aGzipHeaderDeclaringMillionsOfImagesIsRefusedWithoutRunningOutOfMemory() throws Exception {
        Path images = idxImages("big.gz", 3_000_000, 3000, true);
        assertThatThrownBy(() -> new IdxDataset(images, labels(3000))).isInstanceOf(DataException.class)
                .hasMessageContaining("big.gz").hasMessageContaining("2352000000 bytes");
    }

    @Test
    void aGzipStreamShorterThanItsHeaderIsTruncated() throws Exception {
        Path images = idxImages("short.gz", 500, 300, true);
        assertThatThrownBy(() -> new IdxDataset(images, labels(500))).isInstanceOf(DataException.class)
                .hasMessageContaining("short.gz is truncated").hasMessageContaining("392000 bytes");
    }

    @Test
    void aPlainFileShorterThanItsHeaderIsRefusedBeforeReading() throws Exception {
        Path images = idxImages("short.idx", 2_000_000, 10, false);
        assertThatThrownBy(() -> new IdxDataset(images, labels(10))).isInstanceOf(DataException.class)
                .hasMessageContaining("short.idx is truncated").hasMessageContaining("1568000000 bytes");
        Path longer = idxImages("long.idx", 10, 11, true);
        assertThatThrownBy(() -> new IdxDataset(longer, labels(10))).hasMessageContaining("longer than its header says");
    }

    @Test
    void aWellFormedGzipFileStillLoads() throws Exception {
        Path images = idxImages("ok.gz", 12, 12, true);
        IdxDataset d = new IdxDataset(images, labels(12));
        assertThat(d.size()).isEqualTo(12);
        assertThat(d.height()).isEqualTo(28);
    }

    @Test
    void directoriesAndDevicesAreRefusedInTheSameWordsByEveryReader() throws Exception {
        Path labels = labels(3);
        assertThat(InputFiles.problem(dir)).isEqualTo("is a directory, not a file");
        assertThat(InputFiles.problem(dir.resolve("nothing"))).isEqualTo("does not exist");
        assertThatThrownBy(() -> new IdxDataset(dir, labels)).hasMessageContaining(dir + " is a directory, not a file");
        assertThatThrownBy(() -> Npy.read(dir)).hasMessageContaining(dir + " is a directory, not a file");
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero), "no /dev/zero on this system");
        assertThat(InputFiles.problem(zero)).isEqualTo("is a device or other special file, not a regular file");
        assertThatThrownBy(() -> Npy.read(zero)).hasMessageContaining("/dev/zero is a device");
        assertThatThrownBy(() -> new IdxDataset(zero, labels)).hasMessageContaining("/dev/zero is a device");
    }
}
