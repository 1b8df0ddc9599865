package org.graft.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 / CIFAR-100 in their binary distribution: fixed-size records, each one label byte (CIFAR-10)
 * or a coarse and a fine label byte (CIFAR-100; the fine label is used) followed by 3072 pixel bytes
 * stored as three 32×32 planes in R, G, B order. The planes are kept in file order, as Caffe's
 * convert_cifar_data does. Several files (data_batch_1..5) are concatenated in the order given.
 */
public final class CifarDataset implements Dataset {
    /** Which of the two binary layouts the files use. */
    public enum Variant {
        CIFAR10(1, 10), CIFAR100(2, 100);

        final int labelBytes;
        final int classes;

        Variant(int labelBytes, int classes) {
            this.labelBytes = labelBytes;
            this.classes = classes;
        }

        int recordSize() {
            return labelBytes + PIXELS;
        }
    }

    static final int SIDE = 32;
    static final int PIXELS = 3 * SIDE * SIDE;

    private final Variant variant;
    private final List<Path> files;
    private final byte[] pixels;
    private final byte[] labels;

    public CifarDataset(Variant variant, Path... files) {
        this(variant, List.of(files));
    }

    public CifarDataset(Variant variant, List<Path> files) {
        if (files.isEmpty()) {
            throw new DataException(variant + ": no data files given");
        }
        this.variant = variant;
        this.files = List.copyOf(files);
        int record = variant.recordSize();
        List<byte[]> contents = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            byte[] b = DataFiles.readMaybeGzipped(f, variant + " file");
            if (b.length == 0 || b.length % record != 0) {
                throw new DataException(variant + " file " + f + " has " + b.length + " bytes, which is not a positive multiple of the "
                        + record + "-byte record (" + variant.labelBytes + " label byte" + (variant.labelBytes > 1 ? "s" : "")
                        + " + " + PIXELS + " pixels)" + hintOtherVariant(b.length, variant));
            }
            contents.add(b);
            total += b.length / record;
        }
        if (total * PIXELS > Integer.MAX_VALUE - 16) {
            throw new DataException(variant + ": " + total + " records do not fit in one in-memory array");
        }
        pixels = new byte[(int) total * PIXELS];
        labels = new byte[(int) total];
        int n = 0;
        for (int fi = 0; fi < contents.size(); fi++) {
            byte[] b = contents.get(fi);
            for (int at = 0; at < b.length; at += record, n++) {
                int label = b[at + variant.labelBytes - 1] & 0xff;
                if (label >= variant.classes) {
                    throw new DataException(variant + " file " + files.get(fi) + ": record " + (at / record) + " has label " + label
                            + ", outside 0.." + (variant.classes - 1));
                }
                labels[n] = (byte) label;
                System.arraycopy(b, at + variant.labelBytes, pixels, n * PIXELS, PIXELS);
            }
        }
    }

    private static String hintOtherVariant(int length, Variant v) {
        Variant other = v == Variant.CIFAR10 ? Variant.CIFAR100 : Variant.CIFAR10;
        return length > 0 && length % other.recordSize() == 0 ? "; it is a multiple of " + other + "'s " + other.recordSize() + "-byte record" : "";
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int height() {
        return SIDE;
    }

    @Override
    public int width() {
        return SIDE;
    }

    @Override
    public int numClasses() {
        return variant.classes;
    }

    @Override
    public int label(int i) {
        checkIndex(i);
        return labels[i] & 0xff;
    }

    @Override
    public void image(int i, float[] dst, int offset) {
        checkIndex(i);
        int from = i * PIXELS;
        for (int k = 0; k < PIXELS; k++) {
            dst[offset + k] = pixels[from + k] & 0xff;
        }
    }

    @Override
    public String describe() {
        return variant + " " + files + ": " + size() + " images 3×32×32 (RGB planes), " + variant.classes + " classes";
    }
}
