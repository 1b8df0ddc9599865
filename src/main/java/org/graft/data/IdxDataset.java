package org.graft.data;

import java.nio.file.Path;

/**
 * MNIST / Fashion-MNIST in the IDX format: an image file (magic 0x00000803, then N, rows, cols as
 * big-endian int32, then N·rows·cols unsigned bytes) and a label file (magic 0x00000801, then N, then N
 * bytes). Either file may be gzipped; that is detected from the content. Everything is validated and
 * held in memory as bytes at construction, so a bad file fails before training starts.
 * One channel; numClasses is the largest label + 1.
 */
public final class IdxDataset implements Dataset {
    static final int IMAGE_MAGIC = 0x00000803;
    static final int LABEL_MAGIC = 0x00000801;

    private final Path imageFile;
    private final Path labelFile;
    private final byte[] pixels;
    private final int pixelStart;
    private final byte[] labels;
    private final int labelStart;
    private final int count;
    private final int rows;
    private final int cols;
    private final int numClasses;

    public IdxDataset(Path imageFile, Path labelFile) {
        this.imageFile = imageFile;
        this.labelFile = labelFile;
        pixels = DataFiles.readDeclared(imageFile, "IDX image file", 16, h -> {
            int[] d = header(h, imageFile, "IDX image file", IMAGE_MAGIC, 3);
            return new DataFiles.Declared((long) d[0] * d[1] * d[2], d[0] + "×" + d[1] + "×" + d[2] + " pixels");
        });
        int[] imageHeader = header(pixels, imageFile, "IDX image file", IMAGE_MAGIC, 3);
        labels = DataFiles.readDeclared(labelFile, "IDX label file", 8, h -> {
            int n = header(h, labelFile, "IDX label file", LABEL_MAGIC, 1)[0];
            return new DataFiles.Declared(n, n + " labels");
        });
        int[] labelHeader = header(labels, labelFile, "IDX label file", LABEL_MAGIC, 1);
        count = imageHeader[0];
        rows = imageHeader[1];
        cols = imageHeader[2];
        pixelStart = 16;
        labelStart = 8;
        checkLength(pixels, imageFile, "IDX image file", pixelStart, (long) count * rows * cols,
                count + "×" + rows + "×" + cols + " pixels");
        checkLength(labels, labelFile, "IDX label file", labelStart, labelHeader[0], labelHeader[0] + " labels");
        if (labelHeader[0] != count) {
            throw new DataException("IDX files disagree on the number of examples: image file " + imageFile + " has " + count
                    + " images, label file " + labelFile + " has " + labelHeader[0] + " labels");
        }
        int max = -1;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, labels[labelStart + i] & 0xff);
        }
        numClasses = max + 1;
    }

    /** Checks the magic and returns the dims that follow it. */
    private static int[] header(byte[] b, Path file, String what, int magic, int dims) {
        int headerBytes = 4 + 4 * dims;
        if (b.length < 4) {
            throw new DataException(what + " " + file + " is truncated: " + b.length + " bytes, too short for the 4-byte magic number");
        }
        int found = DataFiles.bigEndianInt(b, 0);
        if (found != magic) {
            throw new DataException(what + " " + file + " has the wrong magic number: expected " + hex(magic) + ", found " + hex(found)
                    + (found == IMAGE_MAGIC || found == LABEL_MAGIC ? " (image and label files swapped?)" : ""));
        }
        if (b.length < headerBytes) {
            throw new DataException(what + " " + file + " is truncated: " + b.length + " bytes, the header alone needs " + headerBytes);
        }
        int[] d = new int[dims];
        for (int i = 0; i < dims; i++) {
            d[i] = DataFiles.bigEndianInt(b, 4 + 4 * i);
            if (d[i] < 0 || (i > 0 && d[i] == 0)) {
                throw new DataException(what + " " + file + " has an invalid dimension " + i + " in its header: " + d[i]);
            }
        }
        return d;
    }

    private static void checkLength(byte[] b, Path file, String what, int start, long expected, String layout) {
        long found = b.length - start;
        if (found < expected) {
            throw new DataException(what + " " + file + " is truncated: the header says " + layout + " (" + expected
                    + " bytes after the header) but only " + found + " bytes follow");
        }
        if (found > expected) {
            throw new DataException(what + " " + file + " is longer than its header says: " + layout + " means " + expected
                    + " bytes after the header, found " + found);
        }
    }

    private static String hex(int v) {
        return String.format("0x%08X", v);
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int height() {
        return rows;
    }

    @Override
    public int width() {
        return cols;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int label(int i) {
        checkIndex(i);
        return labels[labelStart + i] & 0xff;
    }

    @Override
    public void image(int i, float[] dst, int offset) {
        checkIndex(i);
        int n = rows * cols;
        int from = pixelStart + i * n;
        for (int k = 0; k < n; k++) {
            dst[offset + k] = pixels[from + k] & 0xff;
        }
    }

    @Override
    public String describe() {
        return "IDX " + imageFile + " + " + labelFile + ": " + count + " images 1×" + rows + "×" + cols + ", " + numClasses + " classes";
    }
}
