package org.graft.net.config;

import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.proto.Caffe;

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

    /** Sets image_data_param on {@code layer}: the source, the batch size and what differs from the defaults. */
    public void writeTo(Caffe.LayerParameter.Builder layer) {
        Caffe.ImageDataParameter.Builder p = layer.getImageDataParamBuilder().setSource(source.toString())
                .setBatchSize(batchSize).addAllClasses(classes);
        if (rootFolder != null) {
            p.setRootFolder(rootFolder.toString());
        }
        if (shuffle) {
            p.setShuffle(true);
        }
        if (newHeight != 0) {
            p.setNewHeight(newHeight);
        }
        if (newWidth != 0) {
            p.setNewWidth(newWidth);
        }
        if (!isColor) {
            p.setIsColor(false);
        }
    }
}
