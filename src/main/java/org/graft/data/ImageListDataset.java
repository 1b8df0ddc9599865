package org.graft.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.graft.io.InputFiles;

/**
 * Caffe's ImageData source: a list file whose lines read {@code relative/path.jpg label}. The path may
 * contain spaces: the label is the last token. Images (JPEG, PNG: whatever javax.imageio reads) are decoded
 * lazily on each {@link #image} call, so only the list is held in memory. Colour images come out as
 * three planes in B, G, R order, as Caffe gets them from OpenCV; with {@code isColor} false they come out
 * as one grey plane. With new_height/new_width set every image is resized to that size (bilinear, OpenCV's
 * INTER_LINEAR sampling, rounded to whole pixel values); otherwise all images must share the size of the
 * first one.
 */
public final class ImageListDataset implements Dataset {
    /**
     * Caffe's ImageDataParameter fields that affect decoding. {@code rootFolder} is prepended to each
     * listed path as in Caffe (a '/' is inserted when it does not end with one); 0×0 means no resize.
     */
    public record Spec(String rootFolder, int newHeight, int newWidth, boolean isColor) {
        public Spec {
            rootFolder = rootFolder == null ? "" : rootFolder;
            if (newHeight < 0 || newWidth < 0 || (newHeight == 0) != (newWidth == 0)) {
                throw new DataException("image list: new_height and new_width must both be 0 (no resize) or both positive, got "
                        + newHeight + " and " + newWidth);
            }
        }

        public static Spec defaults() {
            return new Spec("", 0, 0, true);
        }

        boolean resizes() {
            return newHeight > 0;
        }
    }

    private final Path listFile;
    private final Spec spec;
    private final String[] paths;
    private final int[] lineNumbers;
    private final int[] labels;
    private final int numClasses;
    private final int height;
    private final int width;

    public ImageListDataset(Path listFile, Spec spec) {
        this.listFile = listFile;
        this.spec = spec;
        List<Entry> entries = entries(listFile);
        paths = entries.stream().map(Entry::path).toArray(String[]::new);
        lineNumbers = entries.stream().mapToInt(Entry::line).toArray();
        labels = entries.stream().mapToInt(Entry::label).toArray();
        int max = 0;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        numClasses = max + 1;
        if (spec.resizes()) {
            height = spec.newHeight();
            width = spec.newWidth();
        } else {
            BufferedImage first = read(0);
            height = first.getHeight();
            width = first.getWidth();
        }
    }

    /** One line of a Caffe image list: the path as written, its label, and the line number (from 1). */
    public record Entry(String path, int label, int line) {
    }

    /**
     * Parses a Caffe image list ({@code path label} per line, as convert_imageset and the ImageData layer
     * read it; the path may contain spaces: the label is the last token). Blank lines are skipped.
     */
    public static List<Entry> entries(Path listFile) {
        List<String> lines = readLines(listFile);
        List<Entry> entries = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) {
                continue;
            }
            int cut = lastWhitespace(line);
            if (cut < 0) {
                throw new DataException(where(listFile, n + 1) + ": expected 'path label', found '" + line + "' (no label)");
            }
            String labelText = line.substring(cut + 1);
            int label;
            try {
                label = Integer.parseInt(labelText);
            } catch (NumberFormatException e) {
                throw new DataException(where(listFile, n + 1) + ": the label '" + labelText + "' is not an integer", e);
            }
            if (label < 0) {
                throw new DataException(where(listFile, n + 1) + ": the label " + label + " is negative");
            }
            entries.add(new Entry(line.substring(0, cut).stripTrailing(), label, n + 1));
        }
        if (entries.isEmpty()) {
            throw new DataException("image list " + listFile + " has no entries");
        }
        return entries;
    }

    private static List<String> readLines(Path listFile) {
        DataFiles.requireFile(listFile, "image list");
        try {
            return InputFiles.readUtf8(listFile).lines().toList();
        } catch (IOException e) {
            throw new DataException("image list " + listFile + " could not be read: " + e.getMessage(), e);
        }
    }

    private static int lastWhitespace(String s) {
        for (int i = s.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private String where(int line) {
        return where(listFile, line);
    }

    private static String where(Path listFile, int line) {
        return "image list " + listFile + " line " + line;
    }

    /** The file an entry names: root_folder + path, as Caffe joins them. */
    public Path imagePath(int i) {
        checkIndex(i);
        String root = spec.rootFolder();
        if (root.isEmpty()) {
            return Path.of(paths[i]);
        }
        return Path.of(root.endsWith("/") ? root + paths[i] : root + "/" + paths[i]);
    }

    private BufferedImage read(int i) {
        Path file = imagePath(i);
        return readImage(file, where(lineNumbers[i]) + " (" + file + ")");
    }

    /** Decodes an image file; {@code where} (naming the file) starts every error message. */
    static BufferedImage readImage(Path file, String where) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(where + ": image file does not exist");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DataException(where + ": cannot decode the image: " + e, e);
        }
        if (img == null) {
            throw new DataException(where + ": not an image format javax.imageio can read (JPEG, PNG, BMP, GIF)");
        }
        return img;
    }

    @Override
    public int size() {
        return paths.length;
    }

    @Override
    public int channels() {
        return spec.isColor() ? 3 : 1;
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
        BufferedImage img = read(i);
        int h = img.getHeight();
        int w = img.getWidth();
        if (!spec.resizes() && (h != height || w != width)) {
            throw new DataException(where(lineNumbers[i]) + " (" + imagePath(i) + "): image is " + h + "×" + w + " but the first image is "
                    + height + "×" + width + "; set new_height/new_width to resize");
        }
        float[] planes = spec.isColor() ? bgrPlanes(img) : greyPlane(img);
        if (spec.resizes()) {
            Bilinear.resize(planes, channels(), h, w, dst, offset, height, width);
        } else {
            System.arraycopy(planes, 0, dst, offset, planes.length);
        }
    }

    private static boolean isGrey(BufferedImage img) {
        return img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    /**
     * Grey values straight from the raster: BufferedImage.getRGB would push grey through a colour-space
     * conversion and change the values. 16-bit samples keep their high byte, as OpenCV does.
     */
    private static int[] greySamples(BufferedImage img) {
        Raster r = img.getRaster();
        int[] s = r.getSamples(0, 0, img.getWidth(), img.getHeight(), 0, (int[]) null);
        int shift = Math.max(0, img.getColorModel().getComponentSize(0) - 8);
        if (shift > 0) {
            for (int k = 0; k < s.length; k++) {
                s[k] >>= shift;
            }
        }
        return s;
    }

    static float[] bgrPlanes(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        int n = h * w;
        float[] out = new float[3 * n];
        if (isGrey(img)) {
            int[] s = greySamples(img);
            for (int k = 0; k < n; k++) {
                out[k] = out[n + k] = out[2 * n + k] = s[k];
            }
            return out;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int k = 0; k < n; k++) {
            int p = argb[k];
            out[k] = p & 0xff;
            out[n + k] = (p >> 8) & 0xff;
            out[2 * n + k] = (p >> 16) & 0xff;
        }
        return out;
    }

    static float[] greyPlane(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        float[] out = new float[h * w];
        if (isGrey(img)) {
            int[] s = greySamples(img);
            for (int k = 0; k < s.length; k++) {
                out[k] = s[k];
            }
            return out;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int k = 0; k < argb.length; k++) {
            int p = argb[k];
            // OpenCV's fixed-point BGR→grey weights (0.299, 0.587, 0.114 in 14-bit fixed point).
            out[k] = (((p >> 16) & 0xff) * 4899 + ((p >> 8) & 0xff) * 9617 + (p & 0xff) * 1868 + 8192) >> 14;
        }
        return out;
    }

    @Override
    public String describe() {
        return "image list " + listFile + (spec.rootFolder().isEmpty() ? "" : " (root " + spec.rootFolder() + ")") + ": " + size() + " images "
                + channels() + "×" + height + "×" + width + (spec.resizes() ? " (resized)" : "") + ", " + numClasses + " classes";
    }
}
