package org.graft.net.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Caffe's ImageDataParameter: a text file of "path label" lines. Paths in the list are resolved against
 * rootFolder, which after loading is absolute and defaults to the folder of the net.json. Defaults:
 * batch_size 1, shuffle false, new_height/new_width 0 (no resize), is_color true. Graft extension:
 * classes (keep only these original class ids, relabelled 0..k-1 in the listed order; empty = all).
 */
public record ImageDataParam(Path source, int batchSize, boolean shuffle, int newHeight, int newWidth,
                             boolean isColor, Path rootFolder, List<Integer> classes) {
    public ImageDataParam {
        classes = classes == null ? List.of() : List.copyOf(classes);
    }
}
