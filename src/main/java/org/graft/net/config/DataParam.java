package org.graft.net.config;

import java.nio.file.Path;
import java.util.List;
import org.graft.caffe.proto.Caffe.DataParameter.DB;
import org.graft.caffe.proto.Caffe;
import org.graft.layers.Phase;

/**
 * Caffe's DataParameter with Graft's backends and extensions. {@code source} (and {@code labelSource}
 * for IDX) are absolute after loading. Graft extensions: labelSource (IDX label file), classes (keep
 * only these original class ids, relabelled 0..k-1 in the listed order; empty = all), shuffle (null =
 * the default: true in TRAIN, false in TEST) and limit (at most this many examples; null = all).
 */
public record DataParam(Path source, int batchSize, DB backend, Path labelSource, List<Integer> classes,
                        Boolean shuffle, Integer limit) {
    public DataParam {
        classes = classes == null ? List.of() : List.copyOf(classes);
    }

    /** Sets data_param on {@code layer}: the required fields and those given. */
    public void writeTo(Caffe.LayerParameter.Builder layer) {
        Caffe.DataParameter.Builder p = layer.getDataParamBuilder().setSource(source.toString()).setBatchSize(batchSize)
                .setBackend(backend).addAllClasses(classes);
        if (labelSource != null) {
            p.setLabelSource(labelSource.toString());
        }
        if (shuffle != null) {
            p.setShuffle(shuffle);
        }
        if (limit != null) {
            p.setLimit(limit);
        }
    }

    /** Whether to shuffle in {@code phase}: as given, or by default only in TRAIN. */
    public boolean shuffle(Phase phase) {
        return shuffle != null ? shuffle : phase == Phase.TRAIN;
    }
}
