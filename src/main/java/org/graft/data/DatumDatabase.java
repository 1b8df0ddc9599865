package org.graft.data;

import com.google.protobuf.InvalidProtocolBufferException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.imageio.ImageIO;
import org.graft.caffe.proto.Caffe.Datum;

/**
 * A Caffe Data layer's source: a key-value database of {@code Datum} records, as Caffe's
 * {@code convert_imageset} writes them (keys {@code %08d_<path>}, read in key order as Caffe does). The
 * subclasses say how to walk and read the database (LMDB, LevelDB); everything about the records is here,
 * so both give the same checks and messages.
 *
 * <p>Records are raw (uint8 C×H×W in {@code data}, or {@code float_data}) or encoded (a JPEG/PNG file in
 * {@code data}, decoded with javax.imageio to B, G, R planes as OpenCV does, or to one grey plane when the
 * dataset has one channel). The shape comes from the first record; for encoded records the channel count is
 * the Datum's when set, else the first image's own (grey → 1, colour → 3), and later encoded images are
 * converted to it.
 *
 * <p>Opening walks every record once to index the keys, read the labels (numClasses = largest label + 1)
 * and check every raw record's shape, so a bad database fails before training. Keys and labels stay in
 * memory (about 60 MB for ImageNet's 1.28 million records): fine for up to a few million records. Encoded
 * images are decoded on each {@link #image} call, so a differently sized one is reported then, naming its key.
 *
 * <p>Thread-safety: reads may come from any thread; {@link #close} waits for reads in progress.
 */
public abstract class DatumDatabase implements Dataset, AutoCloseable {
    /** Receives each record of the open-time walk, in key order. */
    protected interface Visitor {
        /** {@code value} supplies the whole record (only needed for the first, encoded, one). */
        void record(byte[] key, DatumScan scan, java.util.function.Supplier<byte[]> value);
    }

    /** "LMDB" or "LevelDB": starts every message. */
    private final String kind;
    protected final Path path;
    private byte[] keyBytes;
    private int[] keyStart;
    private int[] labels;
    private int numClasses;
    private int channels;
    private int height;
    private int width;
    private boolean firstEncoded;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    protected DatumDatabase(String kind, Path path) {
        this.kind = kind;
        this.path = path;
    }

    /** Walks every record in key order, calling {@code v} for each. */
    protected abstract void walk(Visitor v);

    /** The value stored under {@code key}, or null when there is none. */
    protected abstract byte[] get(byte[] key);

    /** Releases the database. */
    protected abstract void release();

    /** Indexes the database; subclasses call it once their database is open. */
    protected final void open() {
        Index index = new Index();
        walk((key, d, value) -> add(index, key, d, value));
        if (index.count == 0) {
            throw new DataException(kind + " " + path + " holds no records");
        }
        keyBytes = index.keys.toByteArray();
        keyStart = Arrays.copyOf(index.keyStart, index.count + 1);
        keyStart[index.count] = keyBytes.length;
        labels = Arrays.copyOf(index.labels, index.count);
        numClasses = index.maxLabel + 1;
        channels = index.channels;
        height = index.height;
        width = index.width;
        firstEncoded = index.firstEncoded;
    }

    /** A record's bytes that do not form a Datum. */
    protected final DataException notADatum(byte[] key, String why) {
        return new DataException(where(key) + " is not a Caffe Datum: " + why);
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

    private void add(Index ix, byte[] key, DatumScan d, java.util.function.Supplier<byte[]> value) {
        if (ix.count == 0) {
            firstShape(ix, key, d, value);
        } else {
            checkShape(ix, key, d);
        }
        if (d.label() < 0) {
            throw new DataException(where(key) + " has a negative label " + d.label());
        }
        if ((long) ix.keys.size() + key.length > Integer.MAX_VALUE) {
            throw new DataException(kind + " " + path + ": more than 2 GiB of keys; too many records to index");
        }
        ix.add(key, d.label());
    }

    private void firstShape(Index ix, byte[] key, DatumScan d, java.util.function.Supplier<byte[]> value) {
        ix.firstEncoded = d.encoded();
        if (d.encoded()) {
            checkEncoded(key, d, 0);
            BufferedImage img = decode(key, parse(key, value.get()));
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

    protected final String where(byte[] key) {
        return kind + " " + path + " record '" + keyText(key) + "'";
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
    public final byte[] key(int i) {
        checkIndex(i);
        return Arrays.copyOfRange(keyBytes, keyStart[i], keyStart[i + 1]);
    }

    /** Record i's value. */
    private byte[] read(int i) {
        byte[] key = key(i);
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(describe() + " is closed");
            }
            byte[] value = get(key);
            if (value == null) {
                throw new DataException(where(key) + " has disappeared; was the database changed while open?");
            }
            return value;
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
        return kind + " " + path + ": " + size() + " records " + channels + "×" + height + "×" + width + (firstEncoded ? " (encoded)" : "") + ", "
                + numClasses + " classes";
    }

    /** Releases the database; waits for reads in progress. Later reads fail. */
    @Override
    public final void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                release();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
