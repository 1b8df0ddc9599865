package org.graft.data;

/**
 * In-memory test dataset whose pixels identify the example: pixel (c, y, x) of example i is
 * i·1000 + c·100 + y·10 + x, so a batch reveals which examples it holds and where each was cropped.
 */
final class ArrayDataset implements Dataset {
    private final int size;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final int failAt;

    ArrayDataset(int size, int channels, int height, int width, int classes) {
        this(size, channels, height, width, classes, -1);
    }

    /** Like the plain one, but image(failAt) throws IllegalStateException("boom at failAt"). */
    ArrayDataset(int size, int channels, int height, int width, int classes, int failAt) {
        this.size = size;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.failAt = failAt;
    }

    static float pixel(int i, int c, int y, int x) {
        return i * 1000 + c * 100 + y * 10 + x;
    }

    /** The example a transformed (identity-scaled) image came from, read from its first value. */
    static int exampleOf(float firstValue) {
        return (int) (firstValue / 1000);
    }

    @Override
    public int size() {
        return size;
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
        return classes;
    }

    @Override
    public int label(int i) {
        checkIndex(i);
        return i % classes;
    }

    @Override
    public void image(int i, float[] dst, int offset) {
        checkIndex(i);
        if (i == failAt) {
            throw new IllegalStateException("boom at " + i);
        }
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    dst[offset + (c * height + y) * width + x] = pixel(i, c, y, x);
                }
            }
        }
    }

    @Override
    public String describe() {
        return "array dataset " + size + "×" + channels + "×" + height + "×" + width;
    }
}
