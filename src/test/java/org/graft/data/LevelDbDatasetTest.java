package org.graft.data;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LevelDbDatasetTest {
    /** Written by testdata/leveldb/make_leveldb.py with the C++ LevelDB (plyvel), Snappy on. */
    private static final Path PLYVEL = Repo.path("testdata/leveldb/datums");

    @TempDir
    Path dir;

    /** Every file's name, size and modification time: reading must change none. */
    private static String snapshot(Path folder) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path f : s.sorted().toList()) {
                sb.append(f.getFileName()).append(' ').append(Files.size(f)).append(' ').append(Files.getLastModifiedTime(f)).append('\n');
            }
        }
        return sb.toString();
    }

    /** The formula of make_leveldb.py. */
    private static int pixel(int i, int c, int y, int x) {
        return x < 16 ? (i * 37 + c * 101 + (y / 4) * 13) % 256 : (i * 37 + c * 101 + y * 13 + x * 7) % 256;
    }

    @Test
    void plyvelSnappyLevelDbReadsBackExactly() throws IOException {
        String before = snapshot(PLYVEL);
        try (LevelDbDataset d = new LevelDbDataset(PLYVEL)) {
            assertThat(d.size()).isEqualTo(40);
            assertThat(new int[] {d.channels(), d.height(), d.width()}).containsExactly(3, 8, 24);
            assertThat(d.numClasses()).isEqualTo(4);
            float[] img = new float[d.imageSize()];
            for (int i = 0; i < 40; i++) {  // 0..29 come from the Snappy table, 30..39 from the log
                assertThat(new String(d.key(i), StandardCharsets.US_ASCII)).isEqualTo(String.format("%08d_img%d.jpg", i, i));
                assertThat(d.label(i)).isEqualTo(i % 4);
                d.image(i, img, 0);
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < 8; y++) {
                        for (int x = 0; x < 24; x++) {
                            assertThat(img[(c * 8 + y) * 24 + x]).as("record %d pixel %d,%d,%d", i, c, y, x).isEqualTo(pixel(i, c, y, x));
                        }
                    }
                }
            }
            assertThat(d.describe()).startsWith("LevelDB ").contains("40 records 3×8×24", "4 classes");
        }
        assertThat(snapshot(PLYVEL)).as("read-only: nothing in the folder changes").isEqualTo(before);
    }

    @Test
    void aNetWithALevelDbDataLayerTrainsAndTests() throws IOException {
        String source = PLYVEL.toAbsolutePath().toString();
        String net = """
                {
                  "name": "leveldbnet",
                  "layers": [
                    {"name": "data", "type": "Data", "top": ["data", "label"],
                     "transform_param": {"scale": 0.00390625, "crop_size": 6, "mirror": true},
                     "data_param": {"source": "%s", "backend": "LEVELDB", "batch_size": 8}},
                    {"name": "fc1", "type": "InnerProduct", "bottom": ["data"], "top": ["fc1"],
                     "inner_product_param": {"num_output": 4, "weight_filler": {"type": "xavier"}}},
                    {"name": "accuracy", "type": "Accuracy", "bottom": ["fc1", "label"], "top": ["accuracy"], "include": [{"phase": "TEST"}]},
                    {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["fc1", "label"], "top": ["loss"]}
                  ],
                  "solver": {
                    "base_lr": 0.01, "lr_policy": "fixed", "max_iter": 6, "display": 3,
                    "test_iter": 5, "test_interval": 6, "snapshot_prefix": "snap/leveldbnet", "random_seed": 5
                  }
                }
                """.formatted(source);
        Path file = Files.writeString(dir.resolve("net.json"), net);
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        org.graft.solver.Trainer.Result r = new org.graft.solver.Trainer(org.graft.testing.TestEngines.get(),
                org.graft.net.config.NetConfigLoader.load(file), org.graft.solver.Trainer.Options.defaults(),
                new java.io.PrintStream(log, true, StandardCharsets.UTF_8)).run();
        assertThat(r.iterations()).isEqualTo(6);
        assertThat(r.finalTop1()).isBetween(0.0, 1.0);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("TRAIN data 'data': 40 examples, 4 classes");
    }

    @Test
    void theCommittedDatabaseIsReallySnappyCompressed() throws IOException {
        // Uncompressed, the table would hold at least the 30 records' bytes; Snappy shrinks the flat bands.
        long table;
        try (Stream<Path> s = Files.list(PLYVEL)) {
            table = s.filter(p -> p.toString().endsWith(".ldb")).mapToLong(p -> p.toFile().length()).sum();
        }
        long raw = 30L * (3 * 8 * 24 + 12);
        assertThat(table).isPositive().isLessThan(raw * 6 / 10);
    }

    @Test
    void sameChecksAndMessagesAsTheLmdbReader() throws IOException {
        Path bad = Repo.path("testdata/leveldb/not_a_datum");
        assertThatThrownBy(() -> new LevelDbDataset(bad)).isInstanceOf(DataException.class)
                .hasMessageContaining("LevelDB " + bad + " record '00000001_bad' is not a Caffe Datum");
        Path shapes = Repo.path("testdata/leveldb/two_shapes");
        assertThatThrownBy(() -> new LevelDbDataset(shapes)).isInstanceOf(DataException.class)
                .hasMessageContaining("record '00000001_wide' is 1×2×3 but the first record is 1×2×2");
        assertThatThrownBy(() -> new LevelDbDataset(dir.resolve("missing"))).hasMessageContaining("LevelDB").hasMessageContaining("does not exist");
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        assertThatThrownBy(() -> new LevelDbDataset(file)).hasMessageContaining("is a file, not a LevelDB folder");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> new LevelDbDataset(empty)).hasMessageContaining("no CURRENT file");
        // A corrupt table block is caught by its checksum and named.
        Path broken = Files.createDirectories(dir.resolve("broken"));
        try (Stream<Path> s = Files.list(PLYVEL)) {
            for (Path f : s.toList()) {
                Files.copy(f, broken.resolve(f.getFileName()));
            }
        }
        Path table = broken.resolve("000005.ldb");
        byte[] b = Files.readAllBytes(table);
        b[100] ^= 0x55;
        Files.write(table, b);
        assertThatThrownBy(() -> new LevelDbDataset(broken)).isInstanceOf(DataException.class)
                .hasMessageContaining("000005.ldb").hasMessageContaining("checksum");
    }
}
