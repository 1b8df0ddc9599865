package org.graft.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The images {@code convert} (Caffe's convert_imageset) turns into a database: a Caffe image list
 * ({@code path label} lines, paths relative to a root folder), or a folder with one sub-folder per class
 * (ImageNet's training layout). In a folder, class labels follow the sub-folders' sorted names, or the
 * order of a synsets file (first word of each line, as Caffe's {@code synsets.txt}); the images of a class
 * are its folder's image files (.jpg, .jpeg, .png, .bmp, .gif), sorted by name.
 *
 * @param root     what each entry's path is relative to ("" when the paths are used as written)
 * @param entries  the images in database order (entry i becomes key {@code %08d_<path>} with i)
 * @param origin   the list file or folder, for messages
 * @param fromList whether the entries come from a list file (they have line numbers)
 */
public record ImageSet(String root, List<ImageListDataset.Entry> entries, Path origin, boolean fromList) {
    private static final List<String> IMAGE_EXTENSIONS = List.of("jpg", "jpeg", "png", "bmp", "gif");

    public ImageSet {
        entries = List.copyOf(entries);
    }

    /** A Caffe image list; {@code root} is prepended to each path as the ImageData layer does. */
    public static ImageSet fromList(Path listFile, String root) {
        return new ImageSet(root == null ? "" : root, ImageListDataset.entries(listFile), listFile, true);
    }

    /** A folder of class sub-folders; {@code synsets} (may be null) fixes the class order. */
    public static ImageSet fromFolder(Path folder, Path synsets) {
        List<String> classes = subfolders(folder);
        if (classes.isEmpty()) {
            throw new DataException("image folder " + folder + " has no class sub-folders (expected one folder of images per class)");
        }
        Map<String, Integer> label = new HashMap<>();
        if (synsets != null) {
            List<String> order = synsetOrder(synsets);
            for (int i = 0; i < order.size(); i++) {
                label.put(order.get(i), i);
            }
            for (String c : classes) {
                if (!label.containsKey(c)) {
                    throw new DataException("image folder " + folder + ": the class folder '" + c + "' is not in the synsets file " + synsets);
                }
            }
        } else {
            for (int i = 0; i < classes.size(); i++) {
                label.put(classes.get(i), i);
            }
        }
        List<ImageListDataset.Entry> entries = new ArrayList<>();
        List<String> byLabel = new ArrayList<>(classes);
        byLabel.sort((a, b) -> Integer.compare(label.get(a), label.get(b)));
        for (String c : byLabel) {
            for (String f : images(folder.resolve(c))) {
                entries.add(new ImageListDataset.Entry(c + "/" + f, label.get(c), 0));
            }
        }
        if (entries.isEmpty()) {
            throw new DataException("image folder " + folder + ": its class folders hold no image files (" + String.join(", ", IMAGE_EXTENSIONS) + ")");
        }
        String root = folder.toString();
        return new ImageSet(root.endsWith("/") ? root : root + "/", entries, folder, false);
    }

    /** Whether {@code path} is a folder to convert (else it must be a list file). */
    public static boolean isFolder(Path path) {
        return Files.isDirectory(path);
    }

    private static List<String> subfolders(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new DataException("image folder " + folder + " could not be listed: " + e.getMessage(), e);
        }
    }

    private static List<String> images(Path classFolder) {
        try (Stream<Path> s = Files.list(classFolder)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && IMAGE_EXTENSIONS.contains(extension(n))).sorted().toList();
        } catch (IOException e) {
            throw new DataException("class folder " + classFolder + " could not be listed: " + e.getMessage(), e);
        }
    }

    /** The first word of every non-blank line: Caffe's synsets.txt ({@code n01440764 tench, Tinca tinca}). */
    public static List<String> synsetOrder(Path synsets) {
        String what = "synsets file " + synsets;
        if (Files.isDirectory(synsets)) {
            throw new DataException(what + " is a directory, not a file");
        }
        if (!Files.exists(synsets)) {
            throw new DataException(what + " does not exist");
        }
        if (!Files.isRegularFile(synsets)) {
            throw new DataException(what + " is a device or other special file, not a file");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(synsets, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(what + " could not be read: " + e, e);
        }
        List<String> order = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) {
                continue;
            }
            String id = line.split("\\s+", 2)[0];
            Integer before = seen.put(id, n + 1);
            if (before != null) {
                throw new DataException(what + " line " + (n + 1) + ": '" + id + "' is already on line " + before);
            }
            order.add(id);
        }
        if (order.isEmpty()) {
            throw new DataException(what + " lists no classes");
        }
        return order;
    }

    static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The entries in a seeded random order (Fisher–Yates with SplittableRandom(seed)), as --shuffle does. */
    public ImageSet shuffled(long seed) {
        List<ImageListDataset.Entry> e = new ArrayList<>(entries);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = e.size() - 1; i > 0; i--) {
            Collections.swap(e, i, r.nextInt(i + 1));
        }
        return new ImageSet(root, e, origin, fromList);
    }

    public int size() {
        return entries.size();
    }

    /** The file of entry i: root + path, joined as Caffe's ImageData layer joins them. */
    public Path file(int i) {
        String p = entries.get(i).path();
        if (root.isEmpty()) {
            return Path.of(p);
        }
        return Path.of(root.endsWith("/") ? root + p : root + "/" + p);
    }

    /** Where entry i comes from, for messages: the list line, and the file. */
    public String where(int i) {
        return fromList ? "image list " + origin + " line " + entries.get(i).line() + " (" + file(i) + ")" : "image " + file(i);
    }

    /** The database key of entry i: Caffe's {@code %08d_<path>}. */
    public String key(int i) {
        return String.format(Locale.ROOT, "%08d_%s", i, entries.get(i).path());
    }
}
