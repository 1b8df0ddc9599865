package org.graft.data;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.graft.caffe.proto.Caffe.Datum;
import org.graft.cli.Main;
import org.graft.solver.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.KeyRange;
import org.lmdbjava.Txn;

/** {@code convert} (convert_imageset) and {@code mean} (compute_image_mean), read back by Graft. */
class ConvertAndMeanTest {
    private static final Path MEAN_DATA = Repo.path("testdata/mean");

    @TempDir
    Path dir;

    private static BufferedImage randomImage(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return img;
    }

    /** B, G, R planes straight from getRGB: the reference, independent of the code under test. */
    private static float[] bgr(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        float[] out = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                out[y * w + x] = p & 0xff;
                out[h * w + y * w + x] = (p >> 8) & 0xff;
                out[2 * h * w + y * w + x] = (p >> 16) & 0xff;
            }
        }
        return out;
    }

    /** Class folders a/, b/, c/ with PNGs (the given sizes, cycled) and returns the images by path. */
    private List<Object[]> classFolders(Path root, int[][] sizes) throws IOException {
        List<Object[]> made = new ArrayList<>();
        String[] classes = {"c", "a", "b"};
        int k = 0;
        for (String c : classes) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < 3; i++, k++) {
                int[] s = sizes[k % sizes.length];
                BufferedImage img = randomImage(s[1], s[0], k);
                String rel = c + "/img" + i + ".png";
                ImageIO.write(img, "png", root.resolve(rel).toFile());
                made.add(new Object[] {rel, img});
            }
        }
        Files.writeString(root.resolve("a/notes.txt"), "not an image: ignored");
        return made;
    }

    private static float[] image(Dataset d, int i) {
        float[] px = new float[d.imageSize()];
        d.image(i, px, 0);
        return px;
    }

    @Test
    void rawFolderConversionReadsBackPixelForPixel() throws IOException {
        Path images = dir.resolve("images");
        List<Object[]> made = classFolders(images, new int[][] {{5, 7}});
        Path db = dir.resolve("train_lmdb");
        assertThat(Main.run("convert", images.toString(), "-o", db.toString(), "--threads", "2")).isZero();
        assertThat(db.resolveSibling("train_lmdb.partial")).doesNotExist();
        try (LmdbDataset d = new LmdbDataset(db)) {
            assertThat(d.size()).isEqualTo(9);
            assertThat(new int[] {d.channels(), d.height(), d.width()}).containsExactly(3, 5, 7);
            // Labels follow the sorted class folders (a=0, b=1, c=2); keys %08d_<path> in that order.
            List<String> order = List.of("a/img0.png", "a/img1.png", "a/img2.png", "b/img0.png", "b/img1.png", "b/img2.png", "c/img0.png",
                    "c/img1.png", "c/img2.png");
            for (int i = 0; i < 9; i++) {
                String rel = order.get(i);
                assertThat(new String(d.key(i), StandardCharsets.UTF_8)).isEqualTo(String.format("%08d_%s", i, rel));
                assertThat(d.label(i)).isEqualTo(i / 3);
                BufferedImage src = (BufferedImage) made.stream().filter(m -> m[0].equals(rel)).findFirst().orElseThrow()[1];
                assertThat(image(d, i)).as(rel).containsExactly(bgr(src));
            }
        }
        // Encoded (the PNG files themselves): decoded by Graft, the same pixels.
        Path encoded = dir.resolve("encoded_lmdb");
        assertThat(Main.run("convert", images.toString(), "--encoded", "-o", encoded.toString())).isZero();
        try (LmdbDataset raw = new LmdbDataset(db); LmdbDataset enc = new LmdbDataset(encoded)) {
            assertThat(enc.describe()).contains("(encoded)", "3×5×7");
            for (int i = 0; i < raw.size(); i++) {
                assertThat(enc.key(i)).isEqualTo(raw.key(i));
                assertThat(enc.label(i)).isEqualTo(raw.label(i));
                assertThat(image(enc, i)).containsExactly(image(raw, i));
            }
        }
    }

    @Test
    void synsetsFileOrdersTheClasses() throws IOException {
        Path images = dir.resolve("images");
        classFolders(images, new int[][] {{4, 4}});
        Path synsets = Files.writeString(dir.resolve("synsets.txt"), "c first class\nb second\nzzz unused\na third\n");
        Path db = dir.resolve("db");
        assertThat(Main.run("convert", images.toString(), "-o", db.toString(), "--classes", synsets.toString())).isZero();
        try (LmdbDataset d = new LmdbDataset(db)) {
            assertThat(new String(d.key(0), StandardCharsets.UTF_8)).isEqualTo("00000000_c/img0.png");
            assertThat(d.label(0)).isZero();
            assertThat(new String(d.key(8), StandardCharsets.UTF_8)).isEqualTo("00000008_a/img2.png");
            assertThat(d.label(8)).isEqualTo(3);
        }
        Path missing = Files.writeString(dir.resolve("few.txt"), "a\nb\n");
        assertThatThrownBy(() -> ImageSet.fromFolder(images, missing)).isInstanceOf(DataException.class)
                .hasMessageContaining("class folder 'c' is not in the synsets file");
    }

    @Test
    void listWithResizeGrayShuffleAndEncodedForms() throws IOException {
        Path images = dir.resolve("images");
        List<Object[]> made = classFolders(images, new int[][] {{5, 7}, {9, 4}, {12, 13}});
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < made.size(); i++) {
            list.append(made.get(i)[0]).append(' ').append(i % 4).append('\n');
        }
        Path listFile = Files.writeString(dir.resolve("list.txt"), list.toString());
        ImageListDataset reference = new ImageListDataset(listFile, new ImageListDataset.Spec(images.toString(), 6, 8, true));
        ImageListDataset greyRef = new ImageListDataset(listFile, new ImageListDataset.Spec(images.toString(), 6, 8, false));

        // Raw, resized: the pixels Caffe's ImageData layer would give for the same list.
        Path raw = dir.resolve("raw");
        assertThat(Main.run("convert", listFile.toString(), "--root", images.toString(), "--resize", "6,8", "-o", raw.toString())).isZero();
        // Encoded PNG (lossless) after resizing: decodes to the same pixels.
        Path png = dir.resolve("png");
        assertThat(Main.run("convert", listFile.toString(), "--root", images.toString() + "/", "--resize", "6,8", "--encoded", "--encode-type", "png",
                "-o", png.toString())).isZero();
        Path grey = dir.resolve("grey");
        assertThat(Main.run("convert", listFile.toString(), "--root", images.toString(), "--resize", "6,8", "--gray", "-o", grey.toString())).isZero();
        try (LmdbDataset r = new LmdbDataset(raw); LmdbDataset p = new LmdbDataset(png); LmdbDataset g = new LmdbDataset(grey)) {
            assertThat(p.describe()).contains("(encoded)");
            assertThat(g.channels()).isEqualTo(1);
            for (int i = 0; i < made.size(); i++) {
                assertThat(r.label(i)).isEqualTo(i % 4);
                assertThat(image(r, i)).containsExactly(image(reference, i));
                assertThat(image(p, i)).containsExactly(image(reference, i));
                assertThat(image(g, i)).containsExactly(image(greyRef, i));
            }
        }

        // Encoded without resize: the files' own bytes, as Caffe keeps them.
        Path files = dir.resolve("files");
        assertThat(Main.run("convert", listFile.toString(), "--root", images.toString(), "--encoded", "-o", files.toString())).isZero();
        List<byte[]> values = values(files);
        for (int i = 0; i < made.size(); i++) {
            Datum d = Datum.parseFrom(values.get(i));
            assertThat(d.getEncoded()).isTrue();
            assertThat(d.getLabel()).isEqualTo(i % 4);
            assertThat(d.getData().toByteArray()).isEqualTo(Files.readAllBytes(images.resolve((String) made.get(i)[0])));
        }

        // Shuffled: a seeded permutation of the same entries, keys numbered in the new order.
        Path shuffled = dir.resolve("shuffled");
        assertThat(Main.run("convert", listFile.toString(), "--root", images.toString(), "--resize", "6,8", "--shuffle", "--seed", "3", "-o",
                shuffled.toString())).isZero();
        ImageSet expected = ImageSet.fromList(listFile, images.toString()).shuffled(3);
        try (LmdbDataset s = new LmdbDataset(shuffled); LmdbDataset r = new LmdbDataset(raw)) {
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                String key = new String(s.key(i), StandardCharsets.UTF_8);
                assertThat(key).isEqualTo(expected.key(i));
                paths.add(key.substring(9));
                int original = indexOf(made, key.substring(9));
                assertThat(image(s, i)).containsExactly(image(r, original));
            }
            assertThat(paths).containsExactlyInAnyOrderElementsOf(made.stream().map(m -> (String) m[0]).toList());
            assertThat(paths).isNotEqualTo(made.stream().map(m -> (String) m[0]).toList());
        }
    }

    private static int indexOf(List<Object[]> made, String rel) {
        for (int i = 0; i < made.size(); i++) {
            if (made.get(i)[0].equals(rel)) {
                return i;
            }
        }
        throw new AssertionError(rel);
    }

    private static List<byte[]> values(Path lmdb) {
        List<byte[]> out = new ArrayList<>();
        try (Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA).open(lmdb.toFile(), EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOLOCK)) {
            Dbi<byte[]> db = env.openDbi((byte[]) null);
            try (Txn<byte[]> txn = env.txnRead(); CursorIterable<byte[]> it = db.iterate(txn, KeyRange.all())) {
                for (CursorIterable.KeyVal<byte[]> kv : it) {
                    out.add(kv.val());
                }
            }
        }
        return out;
    }

    @Test
    void aCorruptImageStopsTheRunByDefaultAndIsSkippedOnRequest() throws IOException {
        Path images = dir.resolve("images");
        classFolders(images, new int[][] {{4, 4}});
        Files.write(images.resolve("b/img1.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Path db = dir.resolve("db");
        ImageSet set = ImageSet.fromFolder(images, null);
        DatumEncoder raw = new DatumEncoder(0, 0, false, false, null);
        assertThatThrownBy(() -> ImageConverter.convert(set, db, raw, false, 2, null)).isInstanceOf(DataException.class)
                .hasMessageContaining("b/img1.png").hasMessageContaining("was not created");
        assertThat(db).doesNotExist();
        assertThat(db.resolveSibling("db.partial")).doesNotExist();

        ImageConverter.Summary s = ImageConverter.convert(set, db, raw, true, 2, null);
        assertThat(s.written()).isEqualTo(8);
        assertThat(s.skipped()).singleElement().asString().contains("b/img1.png");
        try (LmdbDataset d = new LmdbDataset(db)) {
            assertThat(d.size()).isEqualTo(8);
            // Caffe numbers keys by list position, so the skipped image leaves a gap.
            assertThat(new String(d.key(4), StandardCharsets.UTF_8)).isEqualTo("00000005_b/img2.png");
        }
        // An existing database is never overwritten.
        assertThatThrownBy(() -> ImageConverter.convert(set, db, raw, true, 2, null)).hasMessageContaining("already exists");
    }

    private static float[] npy(String name) {
        return Npy.read(MEAN_DATA.resolve(name)).data();
    }

    @Test
    void meanEqualsNumpysMeanOfTheSameImages() throws IOException {
        Path lmdb = dir.resolve("mean_lmdb");
        assertThat(Main.run("convert", MEAN_DATA.resolve("list.txt").toString(), "--root", MEAN_DATA.toString(), "-o", lmdb.toString())).isZero();
        Path all = dir.resolve("all.binaryproto");
        Path one = dir.resolve("one.binaryproto");
        Path fromList = dir.resolve("list.binaryproto");
        assertThat(Main.run("mean", lmdb.toString(), "-o", all.toString())).isZero();
        assertThat(Main.run("mean", lmdb.toString(), "-o", one.toString(), "--classes", "1")).isZero();
        assertThat(Main.run("mean", MEAN_DATA.resolve("list.txt").toString(), "--root", MEAN_DATA.toString(), "-o", fromList.toString())).isZero();
        MeanImage m = Trainer.caffeMeanLoader().load(all);
        assertThat(m.shapeText()).isEqualTo("3×6×5");
        // The exact mean rounded once to float: equal to NumPy's float64 mean cast to float32.
        assertThat(m.data()).containsExactly(npy("mean_all.npy"));
        assertThat(Trainer.caffeMeanLoader().load(one).data()).containsExactly(npy("mean_class1.npy"));
        assertThat(Trainer.caffeMeanLoader().load(fromList).data()).containsExactly(npy("mean_all.npy"));
    }

    @Test
    void meanReadsLevelDbAndIdxToo() throws IOException {
        Path out = dir.resolve("l.binaryproto");
        assertThat(Main.run("mean", Repo.arg("testdata/leveldb/datums"), "-o", out.toString(), "--classes", "1-2")).isZero();
        MeanImage m = Trainer.caffeMeanLoader().load(out);
        assertThat(m.shapeText()).isEqualTo("3×8×24");
        // Records with label 1 or 2: i % 4 in {1, 2}; pixel 0 of record i is (i*37) % 256.
        double sum = 0;
        int n = 0;
        for (int i = 0; i < 40; i++) {
            if (i % 4 == 1 || i % 4 == 2) {
                sum += (i * 37) % 256;
                n++;
            }
        }
        assertThat(m.data()[0]).isEqualTo((float) (sum / n));
        // IDX: the label file is required.
        Path idx = dir.resolve("images.idx");
        Files.write(idx, new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 41});
        Path labels = dir.resolve("labels.idx");
        Files.write(labels, new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 0, 1});
        assertThat(Main.run("mean", idx.toString(), "-o", out.toString())).isEqualTo(1);
        assertThat(Main.run("mean", idx.toString(), "--labels", labels.toString(), "-o", out.toString())).isZero();
        assertThat(Trainer.caffeMeanLoader().load(out).data()).containsExactly(20f, 30.5f);
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path list = MEAN_DATA.resolve("list.txt");
        Path db = dir.resolve("db");
        String root = MEAN_DATA.toString();
        assertThat(Main.run("convert", list.toString(), "--root", root, "--resize", "3", "-o", db.toString())).isEqualTo(1);
        assertThat(Main.run("convert", list.toString(), "--root", root, "--encode-type", "png", "-o", db.toString())).isEqualTo(1);
        assertThat(Main.run("convert", list.toString(), "--root", root, "--encoded", "--encode-type", "gif", "-o", db.toString())).isEqualTo(1);
        assertThat(Main.run("convert", list.toString(), "--root", root, "--backend", "leveldb", "-o", db.toString())).isEqualTo(1);
        assertThat(Main.run("convert", list.toString(), "--classes", list.toString(), "-o", db.toString())).isEqualTo(1);
        assertThat(Main.run("convert", dir.resolve("missing.txt").toString(), "-o", db.toString())).isEqualTo(1);
        assertThat(Main.run("convert", list.toString(), "--root", root, "--threads", "0", "-o", db.toString())).isEqualTo(1);
        assertThat(db).doesNotExist();
        assertThat(Main.run("mean", dir.toString(), "-o", dir.resolve("m").toString())).isEqualTo(1);
        assertThat(Main.run("mean", list.toString(), "--root", root, "--classes", "1,x", "-o", dir.resolve("m").toString())).isEqualTo(1);
        assertThat(Main.run("mean", list.toString(), "--root", root, "--threads", "0", "-o", dir.resolve("m").toString())).isEqualTo(1);
        assertThat(dir.resolve("m")).doesNotExist();
        assertThatThrownBy(() -> ImageSet.synsetOrder(dir)).hasMessageContaining("is a directory, not a file");
        Path dup = Files.writeString(dir.resolve("dup.txt"), "n1 a\nn2 b\nn1 c\n");
        assertThatThrownBy(() -> ImageSet.synsetOrder(dup)).hasMessageContaining("line 3: 'n1' is already on line 1");
    }

    @Test
    void progressLineShowsRateAndEta() {
        Progress p = new Progress(null, "convert", 1000, false);
        long start = System.nanoTime();
        String line = p.line(250, start + 5_000_000_000L);
        assertThat(line).startsWith("convert: 250/1,000 images (25.0%)").contains("images/s").contains("ETA");
        assertThat(Progress.duration(3725)).isEqualTo("1h02m");
    }
}
