package org.graft.caffe;

import java.nio.file.Path;
import org.graft.caffe.proto.Caffe.BlobProto;
import org.graft.data.MeanImage;

/** Writes a mean image as Caffe's compute_image_mean does: a BlobProto of shape 1×C×H×W (legacy fields). */
public final class MeanFiles {
    private MeanFiles() {
    }

    public static void write(Path file, MeanImage mean) {
        BlobProto.Builder b = BlobProto.newBuilder().setNum(1).setChannels(mean.channels()).setHeight(mean.height()).setWidth(mean.width());
        for (float v : mean.data()) {
            b.addData(v);
        }
        CaffeFiles.writeBlobProto(file, b.build());
    }
}
