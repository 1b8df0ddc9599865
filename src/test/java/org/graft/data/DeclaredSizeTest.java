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
        // A 2.3 MB file that really does uncompress to 3,000,000 blank 28×28 images (2.35 GB): gzip
        // members of 128 MiB of zeros, compressed once and repeated. Reading it whole cannot work.
        Path images = dir.resolve("big.gz");
        java.io.ByteArrayOutputStream member = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(member, 1 << 16)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 128; i++) {
                z.write(zeros);
            }
        }
        try (OutputStream os = Files.newOutputStream(images)) {
            try (DataOutputStream d = new DataOutputStream(new GZIPOutputStream(new java.io.FilterOutputStream(os) {
                @Override
                public void close() throws IOException {
                    flush(); // keep the file open for the members that follow
                }
            }))) {
                d.writeInt(0x803);
                d.writeInt(3_000_000);
                d.writeInt(28);
                d.writeInt(28);
            }
            for (long written = 0; written < 3_000_000L * 784; written += 128L << 20) {
                os.write(member.toByteArray());
            }
        }
        assertThat(Files.size(images)).isLessThan(5_000_000);
        assertThatThrownBy(() -> new IdxDataset(images, labels(3000))).isInstanceOf(DataException.class)
                .hasMessageContaining("big.gz").hasMessageContaining("3000000×28×28 pixels (2352000000 bytes");
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
