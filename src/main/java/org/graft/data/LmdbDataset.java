package org.graft.data;

import com.google.protobuf.InvalidProtocolBufferException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.imageio.ImageIO;
import jnr.ffi.Pointer;
import org.graft.caffe.proto.Caffe.Datum;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * Caffe's Data layer source: an LMDB of {@code Datum} records, as Caffe's {@code convert_imageset} writes
 * them (keys {@code %08d_<path>}, read in key order as Caffe does). {@code path} is the LMDB folder (holding
 * data.mdb) or the data.mdb file itself. The database is opened read-only without a lock file, so nothing is
 * written next to the user's data; it must therefore not be written while training reads it.
 *
 * <p>Records are raw (uint8 C×H×W in {@code data}, or {@code float_data}) or encoded (a JPEG/PNG file in
 * {@code data}, decoded with javax.imageio to B, G, R planes as OpenCV does, or to one grey plane when the
 * dataset has one channel). The shape comes from the first record; for encoded records the channel count is
 * the Datum's when set, else the first image's own (grey → 1, colour → 3), and later encoded images are
 * converted to it.
 *
 * <p>Opening walks every record once (see {@link DatumScan}) to index the keys, read the labels
 * (numClasses = largest label + 1) and check every raw record's shape, so a bad database fails before
 * training. Keys and labels stay in memory (about 60 MB for ImageNet's 1.28 million records): fine for up
 * to a few million records. Encoded images are decoded on each {@link #image} call, so a differently sized
 * one is reported then, naming its key.
 *
 * <p>Thread-safety: each {@link #image} call reads in its own short read transaction, which LMDB allows
 * from any thread here (no lock table, no thread-local reader slots), so the loader's prefetch thread may
 * read while another thread holds the dataset. {@link #close} waits for reads in progress.
 */
public final class LmdbDataset implements Dataset, AutoCloseable {
    private final Path path;
    private final Env<Pointer> env;
    private final Dbi<Pointer> db;
    private final byte[] keyBytes;
    private final int[] keyStart;
    private final int[] labels;
    private final int numClasses;
    private final int channels;
    private final int height;
    private final int width;
    private final boolean firstEncoded;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    public LmdbDataset(Path path) {
        this.path = path;
        env = openEnv(path);
        try {
            db = env.openDbi((byte[]) null);
            Index index = index();
            keyBytes = index.keys.toByteArray();
            keyStart = Arrays.copyOf(index.keyStart, index.count + 1);
            keyStart[index.count] = keyBytes.length;
            labels = Arrays.copyOf(index.labels, index.count);
            numClasses = index.maxLabel + 1;
            channels = index.channels;
            height = index.height;
            width = index.width;
            firstEncoded = index.firstEncoded;
        } catch (LmdbException e) {
            env.close();
            throw new DataException("LMDB " + path + " could not be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    private static Env<Pointer> openEnv(Path path) {
        if (!Files.exists(path)) {
            throw new DataException("LMDB " + path + " does not exist");
        }
        boolean folder = Files.isDirectory(path);
        if (folder && !Files.isRegularFile(path.resolve("data.mdb"))) {
            throw new DataException("LMDB " + path + " is not an LMDB: the folder holds no data.mdb");
        }
        EnvFlags[] flags = folder
                ? new EnvFlags[] {EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOLOCK, EnvFlags.MDB_NOTLS}
                : new EnvFlags[] {EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOLOCK, EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSUBDIR};
        try {
            // The map grows to the file's size on open; no map size needs guessing for reading.
            return Env.create(LmdbPointerProxy.INSTANCE).open(path.toFile(), flags);
        } catch (Env.FileInvalidException | Env.VersionMismatchException e) {
            throw new DataException("LMDB " + path + " is not an LMDB (" + e.getMessage() + ")", e);
        } catch (LmdbException e) {
            throw new DataException("LMDB " + path + " could not be opened: " + e.getMessage(), e);
        }
    }

    /** Everything the open-time walk collects. */
    private static final class Index {
        final ByteArrayOutputStream keys = new ByteArrayOutputStream();
        int[] keyStart = new int[1024];
        int[] labels = new int[1024];
        int count;
        int maxLabel = -1;
        int channels;
        int height;
        int width;
        boolean firstEncoded;

        void add(byte[] key, int label) {
            if (count + 1 >= keyStart.length) {
                keyStart = Arrays.copyOf(keyStart, keyStart.length * 2);
                labels = Arrays.copyOf(labels, labels.length * 2);
            }
            keyStart[count] = keys.size();
            keys.writeBytes(key);
            labels[count] = label;
            maxLabel = Math.max(maxLabel, label);
            count++;
        }
    }

    private Index index() {
        Index ix = new Index();
        try (Txn<Pointer> txn = env.txnRead(); Cursor<Pointer> c = db.openCursor(txn)) {
            for (boolean more = c.first(); more; more = c.next()) {
                byte[] key = LmdbPointerProxy.bytes(c.key());
                Pointer value = c.val();
                DatumScan d;
                try {
                    d = DatumScan.of(value);
                } catch (DatumScan.NotADatum e) {
                    throw new DataException(where(key) + " is not a Caffe Datum: " + e.getMessage());
                }
                if (ix.count == 0) {
                    firstShape(ix, key, d, value);
                } else {
                    checkShape(ix, key, d);
                }
                if (d.label() < 0) {
                    throw new DataException(where(key) + " has a negative label " + d.label());
                }
                if ((long) ix.keys.size() + key.length > Integer.MAX_VALUE) {
                    throw new DataException("LMDB " + path + ": more than 2 GiB of keys; too many records to index");
                }
                ix.add(key, d.label());
            }
        }
        if (ix.count == 0) {
            throw new DataException("LMDB " + path + " holds no records");
        }
        return ix;
    }

    private void firstShape(Index ix, byte[] key, DatumScan d, Pointer value) {
        ix.firstEncoded = d.encoded();
        if (d.encoded()) {
            checkEncoded(key, d, 0);
            BufferedImage img = decode(key, parse(key, LmdbPointerProxy.bytes(value)));
            ix.channels = d.channels() > 0 ? d.channels() : (img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY ? 1 : 3);
            ix.height = img.getHeight();
            ix.width = img.getWidth();
        } else {
            long n = checkRaw(key, d);
            if (n > Integer.MAX_VALUE) {
                throw new DataException(where(key) + " is " + shape(d) + ", too large an image");
            }
            ix.channels = d.channels();
            ix.height = d.height();
            ix.width = d.width();
        }
    }

    /** Later records must agree with the first; encoded ones are checked again when decoded. */
    private void checkShape(Index ix, byte[] key, DatumScan d) {
        if (d.encoded()) {
            checkEncoded(key, d, ix.channels);
            return;
        }
        checkRaw(key, d);
        if (d.channels() != ix.channels || d.height() != ix.height || d.width() != ix.width) {
            throw new DataException(where(key) + " is " + shape(d) + " but the first record is " + ix.channels + "×" + ix.height + "×"
                    + ix.width + "; all records of a Caffe Data layer must have one shape");
        }
    }

    /** Checks a raw record's shape fields against its pixel count; returns C·H·W. */
    private long checkRaw(byte[] key, DatumScan d) {
        long n = d.shapeCount();
        if (n < 0) {
            throw new DataException(where(key) + " has no valid shape: " + shape(d));
        }
        if (d.dataLength() > 0 ? d.dataLength() != n : d.floatCount() != n) {
            String found = d.dataLength() > 0 ? d.dataLength() + " bytes of data"
                    : d.floatCount() > 0 ? d.floatCount() + " float_data values" : "neither data nor float_data";
            throw new DataException(where(key) + " says " + shape(d) + " (" + n + " values) but holds " + found);
        }
        return n;
    }

    /** {@code channels} 0 accepts any declared channel count of 1 or 3. */
    private void checkEncoded(byte[] key, DatumScan d, int channels) {
        if (d.dataLength() == 0) {
            throw new DataException(where(key) + " is marked encoded but holds no image bytes");
        }
        if (d.channels() != 0 && d.channels() != 1 && d.channels() != 3) {
            throw new DataException(where(key) + " is an encoded image with " + d.channels() + " channels; expected 1 or 3");
        }
        if (channels != 0 && d.channels() != 0 && d.channels() != channels) {
            throw new DataException(where(key) + " is an encoded image with " + d.channels() + " channels but the first record has " + channels);
        }
    }

    private static String shape(DatumScan d) {
        return d.channels() + "×" + d.height() + "×" + d.width();
    }

    private String where(byte[] key) {
        return "LMDB " + path + " record '" + keyText(key) + "'";
    }

    /** Keys are normally text (Caffe's {@code %08d_path}); anything else is shown in hex. */
    static String keyText(byte[] key) {
        for (byte b : key) {
            if (b < 0x20 || b == 0x7f) {
                return "0x" + HexFormat.of().formatHex(key);
            }
        }
        return new String(key, StandardCharsets.UTF_8);
    }

    private Datum parse(byte[] key, byte[] value) {
        try {
            return Datum.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new DataException(where(key) + " is not a Caffe Datum: " + e.getMessage(), e);
        }
    }

    private BufferedImage decode(byte[] key, Datum d) {
        BufferedImage img;
        try {
            img = ImageIO.read(d.getData().newInput());
        } catch (IOException | RuntimeException e) {
            throw new DataException(where(key) + ": cannot decode the encoded image: " + e, e);
        }
        if (img == null) {
            throw new DataException(where(key) + ": the encoded image is not in a format javax.imageio can read (JPEG, PNG, BMP, GIF)");
        }
        return img;
    }

    /** The key of record i (the records' order is the keys' byte order). */
    public byte[] key(int i) {
        checkIndex(i);
        return Arrays.copyOfRange(keyBytes, keyStart[i], keyStart[i + 1]);
    }

    /** Copies record i's value out of the map inside a short read transaction. */
    private byte[] read(int i) {
        int from = keyStart[i];
        int length = keyStart[i + 1] - from;
        Pointer key = LmdbPointerProxy.nativeCopy(keyBytes, from, length);
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(describe() + " is closed");
            }
            try (Txn<Pointer> txn = env.txnRead()) {
                Pointer value = db.get(txn, key);
                if (value == null) {
                    throw new DataException(where(key(i)) + " has disappeared; was the database changed while open?");
                }
                return LmdbPointerProxy.bytes(value);
            } catch (LmdbException e) {
                throw new DataException(where(key(i)) + " could not be read: " + e.getMessage(), e);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int label(int i) {
        checkIndex(i);
        return labels[i];
    }

    @Override
    public void image(int i, float[] dst, int offset) {
        checkIndex(i);
        Datum d = parse(key(i), read(i));
        if (d.getEncoded()) {
            decodeInto(i, d, dst, offset);
            return;
        }
        int n = imageSize();
        if (!d.getData().isEmpty()) {
            if (d.getData().size() != n) {
                throw new DataException(where(key(i)) + " now holds " + d.getData().size() + " bytes of data; expected " + n);
            }
            byte[] px = d.getData().toByteArray();
            for (int k = 0; k < n; k++) {
                dst[offset + k] = px[k] & 0xff;
            }
        } else {
            if (d.getFloatDataCount() != n) {
                throw new DataException(where(key(i)) + " now holds " + d.getFloatDataCount() + " float_data values; expected " + n);
            }
            for (int k = 0; k < n; k++) {
                dst[offset + k] = d.getFloatData(k);
            }
        }
    }

    private void decodeInto(int i, Datum d, float[] dst, int offset) {
        BufferedImage img = decode(key(i), d);
        if (img.getHeight() != height || img.getWidth() != width) {
            throw new DataException(where(key(i)) + " is a " + img.getHeight() + "×" + img.getWidth() + " image but the first record is "
                    + height + "×" + width + "; a Caffe Data layer needs one size (resize when building the LMDB)");
        }
        float[] planes = channels == 1 ? ImageListDataset.greyPlane(img) : ImageListDataset.bgrPlanes(img);
        System.arraycopy(planes, 0, dst, offset, planes.length);
    }

    @Override
    public String describe() {
        return "LMDB " + path + ": " + size() + " records " + channels + "×" + height + "×" + width + (firstEncoded ? " (encoded)" : "") + ", "
                + numClasses + " classes";
    }

    /** Unmaps the database; waits for reads in progress. Later reads fail. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                env.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
