package org.graft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.graft.caffe.proto.Caffe.Datum;
import org.graft.layers.Phase;
import org.graft.net.config.NetConfigLoader;
import org.graft.solver.Trainer;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

class LmdbDatasetTest {
    @TempDir
    Path dir;

    /** Writes the records as convert_imageset would (one unnamed database), in the map's iteration order. */
    private static Path writeLmdb(Path folder, Map<String, byte[]> records) {
        try (Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(64L << 20).open(mkdirs(folder).toFile())) {
            Dbi<byte[]> db = env.openDbi((String) null, DbiFlags.MDB_CREATE);
            try (Txn<byte[]> txn = env.txnWrite()) {
                records.forEach((k, v) -> db.put(txn, k.getBytes(StandardCharsets.UTF_8), v));
                txn.commit();
            }
        }
        return folder;
    }

    private static Path mkdirs(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static byte[] raw(int c, int h, int w, int label, int firstValue) {
        byte[] px = new byte[c * h * w];
        for (int k = 0; k < px.length; k++) {
            px[k] = (byte) (firstValue + 7 * k);
        }
        return Datum.newBuilder().setChannels(c).setHeight(h).setWidth(w).setLabel(label).setData(ByteString.copyFrom(px)).build().toByteArray();
    }

    private static byte[] encoded(BufferedImage img, String format, int channels, int label) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).isTrue();
        Datum.Builder d = Datum.newBuilder().setEncoded(true).setLabel(label).setData(ByteString.copyFrom(out.toByteArray()));
        if (channels > 0) {
            d.setChannels(channels);
        }
        return d.build().toByteArray();
    }

    /** 5 wide, 3 high; pixel (y, x) has R = 10x + y, G = 100 + x, B = 200 + y. */
    private static BufferedImage colourImage(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (10 * x + y) << 16 | (100 + x) << 8 | (200 + y));
            }
        }
        return img;
    }

    private static float[] image(Dataset d, int i) {
        float[] out = new float[d.imageSize()];
        d.image(i, out, 0);
        return out;
    }

    @Test
    void rawRecordsComeInKeyOrderWithTheirPixelsLabelsAndShape() {
        Map<String, byte[]> recs = new LinkedHashMap<>();
        // Inserted out of order: Caffe reads in key order, and so must we.
        recs.put("00000002_cat/b.jpg", raw(3, 2, 4, 4, 30));
        recs.put("00000000_dog/a.jpg", raw(3, 2, 4, 1, 10));
        recs.put("00000001_cat/c.jpg", raw(3, 2, 4, 0, 20));
        try (LmdbDataset d = new LmdbDataset(writeLmdb(dir.resolve("train_lmdb"), recs))) {
            assertThat(d.size()).isEqualTo(3);
            assertThat(new int[] {d.channels(), d.height(), d.width()}).containsExactly(3, 2, 4);
            assertThat(new String(d.key(0), StandardCharsets.UTF_8)).isEqualTo("00000000_dog/a.jpg");
            assertThat(new String(d.key(2), StandardCharsets.UTF_8)).isEqualTo("00000002_cat/b.jpg");
            assertThat(new int[] {d.label(0), d.label(1), d.label(2)}).containsExactly(1, 0, 4);
            assertThat(d.numClasses()).isEqualTo(5);
            for (int i = 0; i < 3; i++) {
                float[] px = image(d, i);
                for (int k = 0; k < px.length; k++) {
                    assertThat(px[k]).as("record %d value %d", i, k).isEqualTo((float) ((10 * (i + 1) + 7 * k) & 0xff));
                }
            }
            assertThat(d.describe()).contains("3 records 3×2×4", "5 classes");
        }
    }

    @Test
    void opensWithoutWritingALockFileAndAcceptsTheDataFileItself() throws IOException {
        Path db = writeLmdb(dir.resolve("lmdb"), Map.of("00000000_a", raw(1, 1, 2, 0, 5)));
        Files.delete(db.resolve("lock.mdb"));
        try (LmdbDataset d = new LmdbDataset(db)) {
            assertThat(image(d, 0)).containsExactly(5f, 12f);
        }
        try (LmdbDataset d = new LmdbDataset(db.resolve("data.mdb"))) {
            assertThat(image(d, 0)).containsExactly(5f, 12f);
        }
        try (Stream<Path> files = Files.list(db)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("data.mdb");
        }
    }

    @Test
    void floatDataRecordsKeepTheirValues() {
        Map<String, byte[]> recs = new LinkedHashMap<>();
        recs.put("00000000_x", Datum.newBuilder().setChannels(1).setHeight(2).setWidth(2).setLabel(2)
                .addAllFloatData(List.of(-1.5f, 0f, 3.25f, 1e6f)).build().toByteArray());
        recs.put("00000001_y", Datum.newBuilder().setChannels(1).setHeight(2).setWidth(2).setLabel(0)
                .addAllFloatData(List.of(7f, 8f, 9f, 10f)).build().toByteArray());
        try (LmdbDataset d = new LmdbDataset(writeLmdb(dir.resolve("f"), recs))) {
            assertThat(image(d, 0)).containsExactly(-1.5f, 0f, 3.25f, 1e6f);
            assertThat(image(d, 1)).containsExactly(7f, 8f, 9f, 10f);
            assertThat(d.numClasses()).isEqualTo(3);
        }
    }

    @Test
    void encodedPngComesOutAsBgrPlanes() throws IOException {
        Map<String, byte[]> recs = new LinkedHashMap<>();
        recs.put("00000000_a.png", encoded(colourImage(5, 3), "png", 0, 1));
        recs.put("00000001_b.png", encoded(colourImage(5, 3), "png", 3, 0));
        try (LmdbDataset d = new LmdbDataset(writeLmdb(dir.resolve("enc"), recs))) {
            assertThat(new int[] {d.channels(), d.height(), d.width()}).containsExactly(3, 3, 5);
            assertThat(d.describe()).contains("(encoded)");
            for (int i = 0; i < 2; i++) {
                float[] px = image(d, i);
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 5; x++) {
                        int at = y * 5 + x;
                        assertThat(new float[] {px[at], px[15 + at], px[30 + at]}).as("(%d, %d)", y, x)
                                .containsExactly(200 + y, 100 + x, 10 * x + y);
                    }
                }
            }
        }
    }

    @Test
    void encodedColourImageIsGreyWhenTheDatumSaysOneChannel() throws IOException {
        BufferedImage img = colourImage(5, 3);
        Path db = writeLmdb(dir.resolve("grey"), Map.of("00000000_a.png", encoded(img, "png", 1, 0)));
        try (LmdbDataset d = new LmdbDataset(db)) {
            assertThat(d.channels()).isEqualTo(1);
            float[] px = image(d, 0);
            int p = img.getRGB(4, 2);
            // OpenCV's fixed-point BGR→grey, as for the image list source.
            int grey = (((p >> 16) & 0xff) * 4899 + ((p >> 8) & 0xff) * 9617 + (p & 0xff) * 1868 + 8192) >> 14;
            assertThat(px[2 * 5 + 4]).isEqualTo((float) grey);
        }
    }

    @Test
    void encodedGreyImageWithoutChannelsIsOneChannel() throws IOException {
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                img.getRaster().setSample(x, y, 0, 30 * y + 9 * x + 3);
            }
        }
        try (LmdbDataset d = new LmdbDataset(writeLmdb(dir.resolve("g"), Map.of("00000000_g.png", encoded(img, "png", 0, 0))))) {
            assertThat(new int[] {d.channels(), d.height(), d.width()}).containsExactly(1, 2, 4);
            assertThat(image(d, 0)).containsExactly(3, 12, 21, 30, 33, 42, 51, 60);
        }
    }

    @Test
    void encodedJpegDecodesToNearlyTheStoredColour() throws IOException {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                img.setRGB(x, y, 40 << 16 | 120 << 8 | 200);
            }
        }
        try (LmdbDataset d = new LmdbDataset(writeLmdb(dir.resolve("j"), Map.of("00000000_a.jpg", encoded(img, "jpg", 0, 0))))) {
            float[] px = image(d, 0);
            // A flat colour survives JPEG within a few levels (chroma quantisation and rounding).
            assertThat(px[0]).isCloseTo(200f, org.assertj.core.data.Offset.offset(6f));
            assertThat(px[256]).isCloseTo(120f, org.assertj.core.data.Offset.offset(6f));
            assertThat(px[512 + 255]).isCloseTo(40f, org.assertj.core.data.Offset.offset(6f));
        }
    }

    @Test
    void missingPathIsReported() {
        assertThatThrownBy(() -> new LmdbDataset(dir.resolve("nowhere_lmdb")))
                .isInstanceOf(DataException.class).hasMessageContaining("nowhere_lmdb").hasMessageContaining("does not exist");
    }

    @Test
    void emptyFolderIsNotAnLmdb() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> new LmdbDataset(empty)).isInstanceOf(DataException.class).hasMessageContaining("is not an LMDB")
                .hasMessageContaining("no data.mdb");
        try (Stream<Path> files = Files.list(empty)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void randomFilesAreNotAnLmdb() throws IOException {
        byte[] junk = new byte[20000];
        new Random(3).nextBytes(junk);
        Path file = Files.write(dir.resolve("junk.bin"), junk);
        assertThatThrownBy(() -> new LmdbDataset(file)).isInstanceOf(DataException.class).hasMessageContaining("junk.bin")
                .hasMessageContaining("is not an LMDB");
        Path tiny = Files.write(dir.resolve("tiny.bin"), "hello".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new LmdbDataset(tiny)).isInstanceOf(DataException.class).hasMessageContaining("tiny.bin");
        Path folder = Files.createDirectories(dir.resolve("fake_lmdb"));
        Files.write(folder.resolve("data.mdb"), junk);
        assertThatThrownBy(() -> new LmdbDataset(folder)).isInstanceOf(DataException.class).hasMessageContaining("is not an LMDB");
    }

    @Test
    void recordThatIsNotADatumIsNamed() {
        Map<String, byte[]> recs = new LinkedHashMap<>();
        recs.put("00000000_ok", raw(1, 2, 2, 0, 1));
        recs.put("00000001_bad", "hello, not a datum".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new LmdbDataset(writeLmdb(dir.resolve("bad"), recs))).isInstanceOf(DataException.class)
                .hasMessageContaining("record '00000001_bad'").hasMessageContaining("is not a Caffe Datum");
        // A length that runs past the end of the record.
        byte[] truncated = raw(1, 2, 2, 0, 1);
        byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length - 3);
        assertThatThrownBy(() -> new LmdbDataset(writeLmdb(dir.resolve("cut"), Map.of("00000000_cut", cut)))).isInstanceOf(DataException.class)
                .hasMessageContaining("record '00000000_cut'").hasMessageContaining("runs past the end");
    }

    @Test
    void inconsistentShapesAreRefusedAtOpen() {
        Map<String, byte[]> recs = new LinkedHashMap<>();
        recs.put("00000000_a", raw(3, 4, 4, 0, 1));
        recs.put("00000001_b", raw(3, 4, 5, 0, 1));
        assertThatThrownBy(() -> new LmdbDataset(writeLmdb(dir.resolve("shapes"), recs))).isInstanceOf(DataException.class)
                .hasMessageContaining("record '00000001_b' is 3×4×5 but the first record is 3×4×4");
        byte[] lying = Datum.newBuilder().setChannels(1).setHeight(2).setWidth(2).setData(ByteString.copyFrom(new byte[3])).build().toByteArray();
        assertThatThrownBy(() -> new LmdbDataset(writeLmdb(dir.resolve("lying"), Map.of("00000000_l", lying)))).isInstanceOf(DataException.class)
                .hasMessageContaining("says 1×2×2 (4 values) but holds 3 bytes of data");
        byte[] negative = Datum.newBuilder().setChannels(1).setHeight(1).setWidth(1).setLabel(-1).setData(ByteString.copyFrom(new byte[1]))
                .build().toByteArray();
        assertThatThrownBy(() -> new LmdbDataset(writeLmdb(dir.resolve("neg"), Map.of("00000000_n", negative)))).isInstanceOf(DataException.class)
                .hasMessageContaining("negative label -1");
    }

    @Test
    void encodedImageOfAnotherSizeIsReportedWithItsKey() throws IOException {
        Map<String, byte[]> recs = new LinkedHashMap<>();
        recs.put("00000000_a.png", encoded(colourImage(5, 3), "png", 0, 0));
        recs.put("00000001_big.png", encoded(colourImage(6, 3), "png", 0, 1));
        try (LmdbDataset d = new LmdbDataset(writeLmdb(dir.resolve("sizes"), recs))) {
            assertThat(image(d, 0)).hasSize(45);
            assertThatThrownBy(() -> image(d, 1)).isInstanceOf(DataException.class)
                    .hasMessageContaining("record '00000001_big.png' is a 3×6 image but the first record is 3×5");
        }
    }

    @Test
    void emptyDatabaseIsRefused() {
        assertThatThrownBy(() -> new LmdbDataset(writeLmdb(dir.resolve("none"), Map.of()))).isInstanceOf(DataException.class)
                .hasMessageContaining("holds no records");
    }

    @Test
    void prefetchThreadReadsTheSameImagesAndCloseStopsReads() {
        Map<String, byte[]> recs = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            recs.put(String.format("%08d_img%d", i, i), raw(1, 2, 3, i % 4, i));
        }
        LmdbDataset d = new LmdbDataset(writeLmdb(dir.resolve("threads"), recs));
        try (BatchLoader direct = new BatchLoader(d, null, Phase.TEST, 6, 1, 0);
             BatchLoader prefetched = new BatchLoader(d, null, Phase.TEST, 6, 1, 2)) {
            for (int b = 0; b < 5; b++) {
                Batch x = direct.next();
                Batch y = prefetched.next();
                assertThat(y.data()).containsExactly(x.data());
                assertThat(y.labels()).containsExactly(x.labels());
            }
        }
        d.close();
        d.close();
        assertThatThrownBy(() -> image(d, 0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    /** Stripes that depend on the class, plus noise: learnable in a few dozen iterations. */
    private static Map<String, byte[]> stripes(int n, long seed) {
        Random r = new Random(seed);
        Map<String, byte[]> recs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            byte[] px = new byte[8 * 8];
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean on = c == 0 ? y % 3 == 0 : c == 1 ? x % 3 == 0 : (x + y) % 4 == 0;
                    px[y * 8 + x] = (byte) ((on ? 180 : 40) + r.nextInt(60));
                }
            }
            recs.put(String.format("%08d_class%d/img%d.png", i, c, i),
                    Datum.newBuilder().setChannels(1).setHeight(8).setWidth(8).setLabel(c).setData(ByteString.copyFrom(px)).build().toByteArray());
        }
        return recs;
    }

    @Test
    void netWithAnLmdbDataLayerTrains() throws IOException {
        writeLmdb(dir.resolve("train_lmdb"), stripes(120, 1));
        writeLmdb(dir.resolve("val_lmdb"), stripes(30, 2));
        String net = """
                {
                  "name": "lmdbnet",
                  "layers": [
                    {"name": "data", "type": "Data", "top": ["data", "label"], "include": [{"phase": "TRAIN"}],
                     "transform_param": {"scale": 0.00390625},
                     "data_param": {"source": "train_lmdb", "backend": "LMDB", "batch_size": 12}},
                    {"name": "data", "type": "Data", "top": ["data", "label"], "include": [{"phase": "TEST"}],
                     "transform_param": {"scale": 0.00390625},
                     "data_param": {"source": "val_lmdb", "backend": "LMDB", "batch_size": 10}},
                    {"name": "fc1", "type": "InnerProduct", "bottom": ["data"], "top": ["fc1"],
                     "inner_product_param": {"num_output": 3, "weight_filler": {"type": "xavier"}}},
                    {"name": "accuracy", "type": "Accuracy", "bottom": ["fc1", "label"], "top": ["accuracy"], "include": [{"phase": "TEST"}]},
                    {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["fc1", "label"], "top": ["loss"]}
                  ],
                  "solver": {
                    "base_lr": 0.1, "lr_policy": "fixed", "momentum": 0.9, "max_iter": 40, "display": 10,
                    "test_iter": 3, "test_interval": 20, "snapshot_prefix": "snap/lmdbnet", "random_seed": 5
                  }
                }
                """;
        Path file = Files.writeString(dir.resolve("net.json"), net);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Result r = new Trainer(TestEngines.get(), NetConfigLoader.load(file), Trainer.Options.defaults(),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        assertThat(r.iterations()).isEqualTo(40);
        // Three well-separated stripe patterns: chance is 1/3.
        assertThat(r.finalTop1()).isGreaterThan(0.8);
        List<String> left = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir.resolve("train_lmdb"))) {
            files.forEach(p -> left.add(p.getFileName().toString()));
        }
        assertThat(left).containsExactlyInAnyOrder("data.mdb", "lock.mdb");
    }
}
